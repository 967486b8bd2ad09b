/**
 * `npm run user:create -- <username> [--email e] [--name n] [--subject idp-sub]`
 * Creates a user, their personal workspace and a first API key in DATABASE_URL, and prints the
 * key (shown once). `--subject` maps the identity provider's JWT `sub` to this user, so browser
 * sessions verified through SESSION_JWKS_URL resolve to them.
 */
import { parseArgs } from "node:util";
import { createUser } from "./lib/users";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { email: { type: "string" }, name: { type: "string" }, subject: { type: "string" } },
});
const username = positionals[0];
const url = process.env.DATABASE_URL;
if (!url || !username || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(username) || username.length < 4 || username.length > 32) {
  console.error(
    "usage: DATABASE_URL=postgres://... npm run user:create -- <username: 4-32 of a-z, 0-9, '-'> [--email e] [--name n] [--subject idp-sub]",
  );
  process.exit(2);
}
const user = await createUser(url, {
  username,
  email: values.email,
  name: values.name,
  externalSubject: values.subject,
});
console.log(`created ${user.username} (${user.userId})\nAPI key: ${user.apiKey}   (shown once; store it now)`);
