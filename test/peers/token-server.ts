/**
 * A small token server for the registry's `auth.token` mode: it checks a
 * user's Basic credentials and returns a JWT signed with a key whose
 * certificate the registry trusts (sent in the `x5c` header).
 */
import { createSign, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

/** A running token server. */
export interface TokenServer {
  readonly realm: string;
  /** Every token request: the scopes asked for and whether credentials came with it. */
  readonly requests: Array<{ scopes: string[]; user: string | undefined; service: string | null }>;
  readonly stop: () => Promise<void>;
}

/** Starts a token server that accepts `user:password` and signs with `keyPem`/`certPem`. */
export const startTokenServer = async (options: { user: string; password: string; keyPem: string; certPem: string; issuer: string; service: string }): Promise<TokenServer> => {
  const key = readFileSync(options.keyPem, "utf8");
  const certDer = Buffer.from(
    readFileSync(options.certPem, "utf8")
      .replace(/-----(BEGIN|END) CERTIFICATE-----/g, "")
      .replace(/\s+/g, ""),
    "base64",
  );
  const requests: TokenServer["requests"] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://token");
    const scopes = url.searchParams.getAll("scope");
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [user, password] = basic === undefined ? [undefined, undefined] : Buffer.from(basic, "base64").toString().split(/:(.*)/s);
    requests.push({ scopes, user, service: url.searchParams.get("service") });
    if (user !== options.user || password !== options.password) {
      res.writeHead(401, { "content-type": "application/json" });
      return void res.end('{"details":"bad credentials"}');
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((s) => {
      const [type, name, actions] = s.split(":");
      return { type, name, actions: (actions ?? "").split(",") };
    });
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", x5c: [certDer.toString("base64")] }));
    const claims = b64url(JSON.stringify({ iss: options.issuer, sub: user, aud: options.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access }));
    const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(key);
    const token = `${header}.${claims}.${b64url(signature)}`;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return { realm, requests, stop: () => new Promise((r) => server.close(() => r())) };
};
