/**
 * Test vectors for reference parsing, taken from the published grammar and
 * the cases upstream `distribution/reference` documents. Shared by the unit
 * tests and the property tests.
 */
export const f64 = "f".repeat(64);
export const f128 = "f".repeat(128);

/** [input, domain, path, tag, digest] for inputs `parseReference` accepts. */
export const validReferences: ReadonlyArray<readonly [string, string, string, (string | undefined)?, (string | undefined)?]> = [
  ["test_com", "", "test_com"],
  ["test.com:tag", "", "test.com", "tag"],
  ["test.com:5000", "", "test.com", "5000"],
  ["test.com/repo:tag", "test.com", "repo", "tag"],
  ["test:5000/repo", "test:5000", "repo"],
  ["test:5000/repo:tag", "test:5000", "repo", "tag"],
  [`test:5000/repo@sha256:${f64}`, "test:5000", "repo", undefined, `sha256:${f64}`],
  [`test:5000/repo:tag@sha256:${f64}`, "test:5000", "repo", "tag", `sha256:${f64}`],
  ["lowercase:Uppercase", "", "lowercase", "Uppercase"],
  [`a/${"a/".repeat(126)}a:tag-puts-this-over-max`, "a", `${"a/".repeat(126)}a`, "tag-puts-this-over-max"],
  [`example.com/${"a".repeat(255)}`, "example.com", "a".repeat(255)],
  ["sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux"],
  ["sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux", "some-long-tag"],
  ["b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app", "test.example.com"],
  ["xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com"],
  [`xn--7o8h.com/myimage:xn--7o8h.com@sha512:${f128}`, "xn--7o8h.com", "myimage", "xn--7o8h.com", `sha512:${f128}`],
  ["foo_bar.com:8080", "", "foo_bar.com", "8080"],
  ["foo/foo_bar.com:8080", "foo", "foo_bar.com", "8080"],
  ["192.168.1.1", "", "192.168.1.1"],
  ["192.168.1.1:tag", "", "192.168.1.1", "tag"],
  ["192.168.1.1:5000", "", "192.168.1.1", "5000"],
  ["192.168.1.1/repo", "192.168.1.1", "repo"],
  ["192.168.1.1:5000/repo", "192.168.1.1:5000", "repo"],
  ["192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050"],
  ["[2001:db8::1]/repo", "[2001:db8::1]", "repo"],
  ["[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", "tag"],
  ["[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "repo"],
  ["[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag"],
  [`[2001:db8::1]:5000/repo@sha256:${f64}`, "[2001:db8::1]:5000", "repo", undefined, `sha256:${f64}`],
  [`[2001:db8::1]:5000/repo:tag@sha256:${f64}`, "[2001:db8::1]:5000", "repo", "tag", `sha256:${f64}`],
  ["[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo"],
  ["[::1]:5000/repo", "[::1]:5000", "repo"],
  ["Foo/bar", "Foo", "bar"],
  ["test_com/foo", "", "test_com/foo"],
  ["test-com:8080/foo", "test-com:8080", "foo"],
  ["a__b/c---d.e_f", "", "a__b/c---d.e_f"],
  ["localhost/foo", "localhost", "foo"],
  [`x:${"t".repeat(128)}`, "", "x", "t".repeat(128)],
];

/** [input, message] for inputs `parseReference` refuses. */
export const invalidReferences: ReadonlyArray<readonly [string, string]> = [
  ["", "repository name must have at least one component"],
  [":justtag", "invalid reference format"],
  [`@sha256:${f64}`, "invalid reference format"],
  ["repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid checksum digest length"],
  [`validname@invaliddigest:${f64}`, "unsupported digest algorithm"],
  [`repo@sha256:${"F".repeat(64)}`, "invalid checksum digest format"],
  [`repo@Sha256:${f64}`, "invalid checksum digest format"],
  ["Uppercase:tag", "repository name must be lowercase"],
  ["test:5000/Uppercase/lowercase:tag", "repository name must be lowercase"],
  [`example.com/${"a".repeat(256)}`, "repository name must not be more than 255 characters"],
  ["aa/asdf$$^/aa", "invalid reference format"],
  ["[2001:db8::1]", "invalid reference format"],
  ["[2001:db8::1]:5000", "invalid reference format"],
  ["[2001:db8::1]:tag", "invalid reference format"],
  ["[fe80::1%eth0]:5000/repo", "invalid reference format"],
  ["[fe80::1%@invalidzone]:5000/repo", "invalid reference format"],
  ["repo:", "invalid reference format"],
  ["repo:-tag", "invalid reference format"],
  [`x:${"t".repeat(129)}`, "invalid reference format"],
  ["a___b", "invalid reference format"],
  ["a//b", "invalid reference format"],
  ["a/", "invalid reference format"],
  ["-a", "invalid reference format"],
  ["a@b@sha256:" + f64, "invalid reference format"],
  ["repo@sha256:abc", "invalid reference format"],
];
