import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyChanges } from "../../../core/manifest/index.ts";
import { anyString, runs } from "../arbitraries.ts";

const apply = (changes: string[]) => {
  const r = applyChanges(changes)({});
  return E.isLeft(r) ? r.left.message : r.right;
};

describe("--change instructions", () => {
  it("applies each Dockerfile instruction podman import accepts", () => {
    expect(
      apply([
        'CMD ["/bin/sh", "-c", "echo hi"]',
        "ENTRYPOINT /entry.sh --flag",
        "ENV A=1 B=\"two words\"",
        "ENV C 3",
        "LABEL org.example.a=x b=y",
        "WORKDIR /srv",
        "USER 1000:1000",
        "EXPOSE 80 53/udp",
        'VOLUME ["/data", "/cache"]',
        "STOPSIGNAL SIGTERM",
        "env A=overridden",
      ]),
    ).toEqual({
      Cmd: ["/bin/sh", "-c", "echo hi"],
      Entrypoint: ["/bin/sh", "-c", "/entry.sh --flag"],
      Env: ["A=overridden", "B=two words", "C=3"],
      Labels: { "org.example.a": "x", b: "y" },
      WorkingDir: "/srv",
      User: "1000:1000",
      ExposedPorts: { "80/tcp": {}, "53/udp": {} },
      Volumes: { "/data": {}, "/cache": {} },
      StopSignal: "SIGTERM",
    });
  });

  it("refuses what it cannot apply, in one line", () => {
    expect(apply(["RUN make"])).toMatch(/^invalid --change "RUN make": expected one of CMD, ENTRYPOINT/);
    expect(apply(["EXPOSE eighty"])).toBe('invalid --change "EXPOSE eighty": expected PORT[/PROTOCOL]...');
    expect(apply(['CMD ["unterminated"'])).toBe('invalid --change "CMD ["unterminated"": expected a JSON array or a command line');
    expect(apply(["LABEL"])).toMatch(/^invalid --change "LABEL"/);
    // Found by the property below: an unterminated quote.
    expect(apply(['ENV !="'])).toBe('invalid --change "ENV !=\"": expected KEY=VALUE');
  });

  it("never throws on arbitrary instructions", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyString, fc.constantFrom("CMD ", "ENV ", "LABEL ", "EXPOSE ", "VOLUME ").chain((k) => anyString.map((s) => k + s))), { maxLength: 3 }), (cs) => {
        const r = apply(cs);
        expect(typeof r === "string" ? !r.includes("\n") : typeof r === "object").toBe(true);
      }),
      runs,
    );
  });
});
