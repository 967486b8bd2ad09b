/** Where things live in the R2 bucket. Every key starts with its workspace. */
export function iconKey(workspaceId: string, projectId: string): string {
  return `ws/${workspaceId}/icons/${projectId}/${crypto.randomUUID()}`;
}

export function uploadKey(workspaceId: string, assetType: string, assetId: string, uploadId: string, filename: string): string {
  return `ws/${workspaceId}/${assetType}/${assetId}/${uploadId}/${filename}`;
}

export function modelFileKey(workspaceId: string, modelId: string, name: string): string {
  return `ws/${workspaceId}/models/${modelId}/files/${crypto.randomUUID()}/${name}`;
}

export function exportKey(workspaceId: string, modelId: string, exportId: string, filename: string): string {
  return `ws/${workspaceId}/exports/${modelId}/${exportId}/${filename}`;
}
