"""FakeOpenAI with an OpenAI-style Batch API (/v1/files, /v1/batches) and a deep
listen backlog. Standard library only; the real openai SDK talks to it over HTTP.

    from tests.fake_batch import FakeBatchOpenAI

    with FakeBatchOpenAI(batch_steps=2) as server:
        ...  # chat completions exactly as FakeOpenAI; batches answered by the same responders
        server.batch_calls      # requests answered through batches
        server.batches[id]      # the batch objects as served

Batches: `files.create(purpose="batch")` stores the JSONL; `batches.create` checks
it (each line: custom_id unique, method POST, url = the batch endpoint; else the
batch "failed" with per-line errors) and queues it. Each `batches.retrieve`
moves it on (validating -> in_progress -> ...); at the `batch_steps`-th retrieve
every line is answered by the chat responders (scripted replies, `handler`, or
the default schema-valid answer), without latency: a 200 reply goes to the
output file, an error reply or a custom_id in `fail_custom_ids` to the error
file. `final_status="expired"` answers only the first half of the lines; `reject="..."`
fails every batch's validation with that message.

The server's listen backlog is raised to `backlog` (socketserver's default of 5
drops connections when 64 clients connect at once).

Out of process: `python -m tests.fake_batch --port 0 --latency 0.2` prints
"fake openai serving http://127.0.0.1:PORT/v1 ...", like tests.fake_openai.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from email import policy
from email.parser import BytesParser
from typing import Iterable

from tests.fake_openai import (DEFAULT_MODEL, FakeOpenAI, Request, _RequestHandler, default_reply, error,
                               serve_until_stopped)

__all__ = ["FakeBatchOpenAI"]


class FakeBatchOpenAI(FakeOpenAI):
    def __init__(self, *args, batch_steps: int = 2, final_status: str = "completed",
                 fail_custom_ids: Iterable[str] = (), reject: str | None = None, backlog: int = 1024, **kwargs):
        super().__init__(*args, **kwargs)
        self._httpd.RequestHandlerClass = _BatchHandler  # no request has been served yet
        self._httpd.socket.listen(backlog)               # Linux takes a new backlog on a listening socket
        self.batch_steps = max(1, int(batch_steps))
        self.final_status = final_status
        self.fail_custom_ids = set(fail_custom_ids)
        self.reject = reject  # a message: every batch fails validation with it
        self.files: dict[str, dict] = {}
        self.batches: dict[str, dict] = {}
        self.batch_calls = 0
        self.batch_bodies: list[dict] = []
        self._batch_ids = itertools.count(1)

    # files ----------------------------------------------------------------
    def add_file(self, data: bytes, filename: str, purpose: str) -> dict:
        with self._lock:
            fid = f"file-fake{next(self._batch_ids)}"
            obj = {"id": fid, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                   "filename": filename, "purpose": purpose, "status": "processed"}
            self.files[fid] = {"meta": obj, "data": data}
        return obj

    # batches ----------------------------------------------------------------
    def create_batch(self, body: dict) -> tuple[int, dict]:
        input_id = body.get("input_file_id")
        if input_id not in self.files:
            return 400, error(400, f"No file with id {input_id!r}").body
        if body.get("endpoint") not in ("/v1/chat/completions",):
            return 400, error(400, f"endpoint {body.get('endpoint')!r} is not supported").body
        if body.get("completion_window") != "24h":
            return 400, error(400, "completion_window must be 24h").body
        lines = [line for line in self.files[input_id]["data"].splitlines() if line.strip()]
        now = int(time.time())
        with self._lock:
            bid = f"batch_fake{next(self._batch_ids)}"
            batch = {"id": bid, "object": "batch", "endpoint": body["endpoint"], "errors": None,
                     "input_file_id": input_id, "completion_window": "24h", "status": "validating",
                     "output_file_id": None, "error_file_id": None, "created_at": now, "in_progress_at": None,
                     "expires_at": now + 86400, "finalizing_at": None, "completed_at": None, "failed_at": None,
                     "expired_at": None, "cancelling_at": None, "cancelled_at": None,
                     "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
                     "metadata": body.get("metadata")}
            self.batches[bid] = batch
            batch["_polls"] = 0
        problems = self._validate(lines, body["endpoint"])
        if self.reject:
            problems.append({"code": "invalid_request", "message": self.reject, "line": None})
        if problems:
            batch.update(status="failed", failed_at=now, errors={"object": "list", "data": problems})
        return 200, self._public(batch)

    @staticmethod
    def _validate(lines: list[bytes], endpoint: str) -> list[dict]:
        problems, seen = [], set()
        for n, line in enumerate(lines, start=1):
            try:
                item = json.loads(line)
            except ValueError:
                problems.append({"code": "invalid_json_line", "message": "This line is not valid JSON.", "line": n})
                continue
            if not isinstance(item, dict) or not isinstance(item.get("body"), dict):
                problems.append({"code": "invalid_request", "message": "Each line needs a body object.", "line": n})
            elif item.get("custom_id") in seen or not item.get("custom_id"):
                problems.append({"code": "duplicate_custom_id", "message": "custom_id must be unique and set.",
                                 "line": n})
            elif item.get("method") != "POST" or item.get("url") != endpoint:
                problems.append({"code": "mismatched_endpoint", "message": f"url must be {endpoint}", "line": n})
            seen.add(item.get("custom_id") if isinstance(item, dict) else None)
        return problems

    def _public(self, batch: dict) -> dict:
        return {k: v for k, v in batch.items() if not k.startswith("_")}

    def advance(self, bid: str, handler: _RequestHandler) -> dict:
        batch = self.batches[bid]
        if batch["status"] in ("failed", "completed", "expired", "cancelled"):
            return self._public(batch)
        batch["_polls"] += 1
        if batch["_polls"] >= self.batch_steps:
            self._run(batch, handler)
        elif batch["status"] == "validating":
            batch.update(status="in_progress", in_progress_at=int(time.time()))
        return self._public(batch)

    def _run(self, batch: dict, handler: _RequestHandler) -> None:
        lines = [line for line in self.files[batch["input_file_id"]]["data"].splitlines() if line.strip()]
        if self.final_status == "expired":
            lines = lines[: len(lines) // 2]
        out, errs = [], []
        for line in lines:
            item = json.loads(line)
            cid, body = item["custom_id"], item["body"]
            with self._lock:
                self.batch_calls += 1
                self.batch_bodies.append(body)
            rid = f"batch_req_{next(self._batch_ids)}"
            if cid in self.fail_custom_ids:
                errs.append({"id": rid, "custom_id": cid, "response": None,
                             "error": {"code": "server_error", "message": "fake batch failure"}})
                continue
            reply = self._next_reply(body)
            if reply.kind == "default":
                reply = default_reply(body)
            if reply.kind == "raw" or reply.status != 200:
                payload = reply.body if isinstance(reply.body, (dict, list)) else {"error": {"message": str(reply.body)}}
                errs.append({"id": rid, "custom_id": cid, "response": {"status_code": reply.status,
                                                                       "request_id": rid, "body": payload},
                             "error": None})
                continue
            out.append({"id": rid, "custom_id": cid, "response": {"status_code": 200, "request_id": rid,
                                                                  "body": handler._completion(reply, body)},
                        "error": None})
        now = int(time.time())
        if out:
            batch["output_file_id"] = self.add_file(b"".join(json.dumps(x).encode() + b"\n" for x in out),
                                                    f"{batch['id']}_output.jsonl", "batch_output")["id"]
        if errs:
            batch["error_file_id"] = self.add_file(b"".join(json.dumps(x).encode() + b"\n" for x in errs),
                                                   f"{batch['id']}_error.jsonl", "batch_output")["id"]
        status = "expired" if self.final_status == "expired" else "completed"
        batch.update(status=status, finalizing_at=now, **{f"{status}_at": now},
                     request_counts={"total": batch["request_counts"]["total"], "completed": len(out),
                                     "failed": len(errs)})


class _BatchHandler(_RequestHandler):
    server_version = "FakeBatchOpenAI/1.0"
    # headers and body go out in two writes: with Nagle on, the body waits for the
    # client's delayed ACK (40 ms on Linux), which caps the throughput at 64 in flight
    disable_nagle_algorithm = True

    def do_GET(self):
        if not self._batch_route("GET"):
            super().do_GET()

    def do_POST(self):
        if not self._batch_route("POST"):
            super().do_POST()

    def _batch_route(self, method: str) -> bool:
        path = self.path.split("?", 1)[0]
        route = path[3:] if path.startswith("/v1/") else path
        if not (route.startswith("/files") or route.startswith("/batches")):
            return False
        fake: FakeBatchOpenAI = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type") or ""
        body = None
        if ctype.startswith("application/json") and raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        with fake._lock:
            fake.requests.append(Request(method, path, {k.lower(): v for k, v in self.headers.items()}, body,
                                         b"" if route == "/files" else raw, time.time()))
        parts = route.strip("/").split("/")
        try:
            if method == "POST" and parts == ["files"]:
                fields = self._multipart(ctype, raw)
                if "file" not in fields or fields.get("purpose", (None, b""))[1] != b"batch":
                    self._send_reply(error(400, "a file and purpose=batch are required"), {})
                else:
                    filename, data = fields["file"]
                    self._send_json(200, fake.add_file(data, filename or "upload.jsonl", "batch"))
            elif method == "GET" and len(parts) == 2 and parts[0] == "files":
                stored = fake.files.get(parts[1])
                if stored:
                    self._send_json(200, stored["meta"])
                else:
                    self._send_reply(error(404, f"No such File object: {parts[1]}"), {})
            elif method == "GET" and len(parts) == 3 and parts[0] == "files" and parts[2] == "content":
                stored = fake.files.get(parts[1])
                if stored:
                    self._send(200, {"Content-Type": "application/octet-stream",
                                     "Content-Length": str(len(stored["data"]))}, stored["data"])
                else:
                    self._send_reply(error(404, f"No such File object: {parts[1]}"), {})
            elif method == "POST" and parts == ["batches"]:
                status, obj = fake.create_batch(body or {})
                self._send_json(status, obj)
            elif method == "GET" and len(parts) == 2 and parts[0] == "batches":
                if parts[1] in fake.batches:
                    self._send_json(200, fake.advance(parts[1], self))
                else:
                    self._send_reply(error(404, f"No batch with id {parts[1]!r}"), {})
            elif method == "POST" and len(parts) == 3 and parts[0] == "batches" and parts[2] == "cancel":
                batch = fake.batches.get(parts[1])
                if batch is None:
                    self._send_reply(error(404, f"No batch with id {parts[1]!r}"), {})
                else:
                    if batch["status"] not in ("completed", "failed", "expired"):
                        batch.update(status="cancelled", cancelled_at=int(time.time()))
                    self._send_json(200, fake._public(batch))
            else:
                self._send_reply(error(404, f"Unknown request URL: {method} {path}", code="unknown_url"), {})
        except (ConnectionError, OSError):
            self.close_connection = True
        return True

    @staticmethod
    def _multipart(ctype: str, raw: bytes) -> dict[str, tuple[str | None, bytes]]:
        if not ctype.startswith("multipart/form-data"):
            return {}
        message = BytesParser(policy=policy.HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
        fields = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                fields[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
        return fields


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_batch",
                                     description="Serve a fake OpenAI-compatible API with the Batch API until killed.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each chat answer")
    parser.add_argument("--backlog", type=int, default=1024, help="listen backlog")
    parser.add_argument("--model", action="append", help="model id(s) listed by /v1/models")
    args = parser.parse_args(argv)
    server = FakeBatchOpenAI(latency=args.latency, host=args.host, port=args.port, backlog=args.backlog,
                             models=args.model or (DEFAULT_MODEL,))
    print(f"fake openai serving {server.base_url} (latency {args.latency}s, backlog {args.backlog}, batch API)",
          flush=True)
    serve_until_stopped(server, lambda: f"{server.calls} chat completions and {server.batch_calls} batched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
