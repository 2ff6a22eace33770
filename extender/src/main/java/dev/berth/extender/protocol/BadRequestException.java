package dev.berth.extender.protocol;

/**
 * A request body that cannot be decoded or fails validation. The HTTP layer answers 400 with the
 * message as the reason, so it names what is wrong and where.
 */
public final class BadRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String reason) {
        super(reason, null, false, false);
    }
}
