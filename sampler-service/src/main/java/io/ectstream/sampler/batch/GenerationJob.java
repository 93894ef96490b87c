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
    private final List<Future<Void>> sends = new ArrayList<>();
    private int chunksPending;
    private boolean failed;

    public GenerationJob(ValidRequest request, LoadedModel model, JobSink sink, long receivedAtMillis, int chunkCount) {
        this.request = request;
        this.model = model;
        this.sink = sink;
        this.receivedAtMillis = receivedAtMillis;
        this.chunkCount = chunkCount;
        this.chunksPending = chunkCount;
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

    /** Records the outcome of one chunk's generation: the send of its result, or null if it failed. */
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
