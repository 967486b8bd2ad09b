/**
 * Headers for a user's file served from EdgeHub's origin: the browser must neither guess its
 * type (nosniff) nor run it as a page of this origin (a sandboxing CSP), and it is named.
 */
export function servedFileHeaders(headers: Headers, disposition: "attachment" | "inline", filename: string): Headers {
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
  headers.set("Content-Disposition", `${disposition}; filename="${filename.replace(/["\\\r\n]/g, "_")}"`);
  return headers;
}
