package io.ectstream.sampler.models;

/** A request named a run (or a step of it) that this instance has no loaded model for. */
public class UnknownModelException extends Exception {
    public UnknownModelException(String message) {
        super(message);
    }
}
