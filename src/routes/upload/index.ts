import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount, mountSignedIn } from "../mount";
import { completeUploadRoute, handleCompleteUpload } from "./complete";
import { handlePutObject, handlePutPart, putObjectRoute, putPartRoute } from "./put";
import { handleUploadSession, uploadSessionRoute } from "./session";
import { handleSignedUrl, signedUrlRoute } from "./signed-url";

export function registerUploadRoutes(app: OpenAPIHono<AppEnv>): void {
  mountSignedIn(app, signedUrlRoute, handleSignedUrl);
  mountSignedIn(app, completeUploadRoute, handleCompleteUpload);
  mountSignedIn(app, uploadSessionRoute, handleUploadSession);
  mount(app, putObjectRoute, handlePutObject);
  mount(app, putPartRoute, handlePutPart);
}
