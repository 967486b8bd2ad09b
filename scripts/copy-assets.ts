/** Copies the API reference's script from node_modules into public/ (served by [assets]; never a CDN). */
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function copyAssets(): void {
  const source = path.join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js");
  const target = path.join(root, "public/static/scalar/standalone.js");
  if (existsSync(target) && statSync(target).size === statSync(source).size) return;
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(source, target);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) copyAssets();
