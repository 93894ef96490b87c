package io.ectstream.sampler.batch;

import io.ectstream.sampler.models.LoadedModel;
import io.ectstream.sampler.validate.ValidRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * One accepted request on its way through the batcher: the model it holds a reference to (one model
 * version serves all its chunks), its sink, and how many of its chunks are still to be generated.
 * Confined to the pipeline's event loop.
 */
public final class GenerationJob {
    private final ValidRequest request;
    private final LoadedModel model;
    private final JobSink sink;
    private final long receivedAtMillis;
    private final int chunkCount;
    private final long deadlineAtMillis;
    private final List<Future<Void>> sends = new ArrayList<>();
    private int chunksPending;
    private boolean failed;
    private boolean started;

    public GenerationJob(ValidRequest request, LoadedModel model, JobSink sink, long receivedAtMillis, int chunkCount) {
        this(request, model, sink, receivedAtMillis, chunkCount, Long.MAX_VALUE);
    }

    /** @param deadlineAtMillis when the request expires if none of its chunks was generated yet; Long.MAX_VALUE: never */
    public GenerationJob(
            ValidRequest request,
            LoadedModel model,
            JobSink sink,
            long receivedAtMillis,
            int chunkCount,
            long deadlineAtMillis) {
        this.request = request;
        this.model = model;
        this.sink = sink;
        this.receivedAtMillis = receivedAtMillis;
        this.chunkCount = chunkCount;
        this.chunksPending = chunkCount;
        this.deadlineAtMillis = deadlineAtMillis;
    }

    public long deadlineAtMillis() {
        return deadlineAtMillis;
    }

    /** Whether a chunk of it went to a generator: from then on it is answered with images, never EXPIRED. */
    public boolean started() {
        return started;
    }

    public void markStarted() {
        started = true;
    }

    /** Every chunk was generated, failed or dropped. */
    public boolean done() {
        return chunksPending == 0;
    }

    /**
     * Answers the request with EXPIRED instead of images; only before any chunk started, so that a request never gets
     * both results and an error. Its chunks still queued are dropped as they come up ({@link #chunkDone} with nulls).
     */
    public void expire(String reason) {
        if (started || failed) {
            throw new IllegalStateException(
                    "request " + request.request().getRequestId() + " already started or failed");
        }
        failed = true;
        sends.add(sink.sendError(request, io.ectstream.schemas.ErrorCode.EXPIRED, reason));
    }

    public ValidRequest request() {
        return request;
    }

    public LoadedModel model() {
        return model;
    }

    public JobSink sink() {
        return sink;
    }

    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    public int chunkCount() {
        return chunkCount;
    }

    public boolean failed() {
        return failed;
    }

    /** Records the outcome of one chunk's generation: the send of its result, or null if it failed (or was dropped). */
    public void chunkDone(Future<Void> send, String failure) {
        if (failure != null && !failed) {
            failed = true;
            sends.add(sink.sendError(request, io.ectstream.schemas.ErrorCode.INTERNAL, failure));
        } else if (send != null) {
            sends.add(send);
        }
        chunksPending--;
        if (chunksPending == 0) {
            model.release();
            Future.join(sends).onComplete(all -> sink.finished(all.succeeded()));
        }
    }
}
