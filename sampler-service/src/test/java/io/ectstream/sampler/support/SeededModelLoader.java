package io.ectstream.sampler.support;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Loads "checkpoints" whose content is a number (the salt of a SeededImageGenerator); "fail" makes loading fail. */
public final class SeededModelLoader implements ModelLoader {
    private final Gate gate;
    private final List<SeededImageGenerator> loaded = new CopyOnWriteArrayList<>();

    public SeededModelLoader(Gate gate) {
        this.gate = gate;
    }

    public SeededModelLoader() {
        this(new Gate());
    }

    @Override
    public ImageGenerator load(Path file, CheckpointExpectation expected) throws CheckpointException {
        try {
            String text = Files.readString(file).trim();
            if (text.equals("fail")) {
                throw new CheckpointException("test checkpoint " + file + " is marked to fail");
            }
            SeededImageGenerator generator = new SeededImageGenerator(Long.parseLong(text), gate);
            loaded.add(generator);
            return generator;
        } catch (IOException | NumberFormatException e) {
            throw new CheckpointException("unreadable test checkpoint " + file, e);
        }
    }

    public List<SeededImageGenerator> loaded() {
        return loaded;
    }
}
