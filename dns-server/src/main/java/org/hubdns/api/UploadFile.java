package org.hubdns.api;

import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A large request body streamed into a temporary file (back-pressured: the client is paused while
 * the disk catches up), so that it is checked from there and never held whole in the heap. A body
 * over the limit gets 413 as soon as it is known to be (from {@code Content-Length}, or when the
 * streamed bytes pass it) and the file is removed.
 */
final class UploadFile {
    private static final Logger LOG = LoggerFactory.getLogger(UploadFile.class);

    /** What to do with a complete body; the callee owns the file (and deletes it, {@link #delete}). */
    @FunctionalInterface
    interface Received {
        void accept(Path file, long bytes);
    }

    private UploadFile() {
    }

    /**
     * Call on the event loop before anything asynchronous has happened to the request (the body is
     * paused here, so none of it is lost).
     *
     * @param tooLarge the 413's detail: the limit and what to do
     */
    static void receive(Vertx vertx, RoutingContext ctx, String prefix, long limit, String tooLarge, Received then) {
        HttpServerRequest req = ctx.request();
        req.pause();
        String length = req.getHeader("Content-Length");
        if (length != null && length.strip().matches("[0-9]{1,19}") && Long.parseLong(length.strip()) > limit) {
            tooLarge(ctx, tooLarge);
            return;
        }
        vertx.executeBlocking(() -> Files.createTempFile(prefix, ".upload"), false).onComplete(r -> {
            if (r.failed()) {
                ApiLimiter.closeAfterResponse(ctx);
                RegistryApi.fail(ctx, r.cause());
                return;
            }
            Path tmp = r.result();
            vertx.fileSystem().open(tmp.toString(), new OpenOptions().setWrite(true).setTruncateExisting(true))
                    .onComplete(o -> {
                        if (o.failed()) {
                            delete(tmp);
                            ApiLimiter.closeAfterResponse(ctx);
                            RegistryApi.fail(ctx, o.cause());
                        } else {
                            stream(ctx, tmp, o.result(), limit, tooLarge, then);
                        }
                    });
        });
    }

    private static void stream(RoutingContext ctx, Path tmp, AsyncFile file, long limit, String tooLarge,
            Received then) {
        HttpServerRequest req = ctx.request();
        continueIfExpected(ctx);
        long[] bytes = {0};
        boolean[] failed = {false};
        req.handler(b -> {
            if (failed[0]) {
                return;
            }
            bytes[0] += b.length();
            if (bytes[0] > limit) {
                failed[0] = true;
                file.close().onComplete(v -> delete(tmp));
                tooLarge(ctx, tooLarge);
                return;
            }
            file.write(b);
            if (file.writeQueueFull()) {
                req.pause();
                file.drainHandler(v -> req.resume());
            }
        });
        req.exceptionHandler(e -> {
            if (!failed[0]) {
                failed[0] = true;
                file.close().onComplete(v -> delete(tmp));
            }
        });
        req.endHandler(v -> {
            if (!failed[0]) {
                file.close().onComplete(closed -> {
                    if (closed.failed()) {
                        delete(tmp);
                        RegistryApi.fail(ctx, closed.cause());
                    } else {
                        then.accept(tmp, bytes[0]);
                    }
                });
            }
        });
        req.resume();
    }

    /**
     * A client that asked {@code Expect: 100-continue} (curl does for large bodies) sends the body
     * only once told to: only now, when it has its upload slot and its body has a place to go. A
     * refusal before (401, 413, 503) reaches it without a byte of the body sent.
     */
    static void continueIfExpected(RoutingContext ctx) {
        String expect = ctx.request().getHeader("Expect");
        if (expect != null && expect.strip().equalsIgnoreCase("100-continue") && !ctx.response().headWritten()) {
            ctx.response().writeContinue();
        }
    }

    private static void tooLarge(RoutingContext ctx, String detail) {
        ApiLimiter.closeAfterResponse(ctx);
        Problem.send(ctx, 413, "Content Too Large", detail);
    }

    static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("temporary upload {} left behind: {}", p, e.toString());
        }
    }
}
