package io.ectstream.sampler.validate;

/** A request that decoded but asks for something this sampler will not do; the message says which field and why. */
public class InvalidRequestException extends Exception {
    private final String field;

    public InvalidRequestException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
