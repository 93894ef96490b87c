package io.ectstream.core.device;

/** --device gpu on a machine where DJL cannot use one (or an engine that did not start): a user's setup, not a bug. */
public final class DeviceUnavailableException extends IllegalArgumentException {
    public DeviceUnavailableException(String message) {
        super(message);
    }
}
