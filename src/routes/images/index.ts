import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { mount } from "../mount";
import * as bulk from "./bulk";
import { deleteImageByHashRoute, deleteImageRoute, handleDeleteImage, handleDeleteImageByHash } from "./delete";
import { getImageRoute, handleGetImage } from "./get";
import { getLabelsRoute, handleGetLabels, handlePutLabels, putLabelsRoute } from "./labels";
import * as list from "./list";
import * as annotate from "./predict";
import { handleUpdateImage, updateImageRoute } from "./update";
import { handleHashUrls, handleImageUrls, hashUrlsRoute, imageUrlsRoute } from "./urls";

/** A dataset's pictures: the contract's `/api/images/...` and owner/slug paths, and the docs' dataset-id paths. */
export function registerImageRoutes(app: OpenAPIHono<AppEnv>): void {
  mount(app, list.listImagesRoute, list.handleListImages);
  mount(app, list.listImagesByIdRoute, list.handleListImagesById);
  mount(app, list.selectedImagesRoute, list.handleSelectedImages);
  mount(app, imageUrlsRoute, handleImageUrls);
  mount(app, hashUrlsRoute, handleHashUrls);
  mount(app, bulk.bulkMoveRoute, bulk.handleBulkMove);
  mount(app, bulk.bulkMoveInDatasetRoute, bulk.handleBulkMoveInDataset);
  mount(app, bulk.bulkDeleteRoute, bulk.handleBulkDelete);
  mount(app, bulk.bulkDeleteInDatasetRoute, bulk.handleBulkDeleteInDataset);
  mount(app, getImageRoute, handleGetImage);
  mount(app, updateImageRoute, handleUpdateImage);
  mount(app, deleteImageRoute, handleDeleteImage);
  mount(app, deleteImageByHashRoute, handleDeleteImageByHash);
  mount(app, getLabelsRoute, handleGetLabels);
  mount(app, putLabelsRoute, handlePutLabels);
  mount(app, annotate.annotateImageRoute, annotate.handleAnnotateImage);
  mount(app, annotate.annotateDatasetImageRoute, annotate.handleAnnotateDatasetImage);
}
