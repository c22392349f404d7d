package dev.skep.client;

import dev.skep.model.view.ApiError;

/**
 * The server answered and said no. {@code status} is the HTTP status of the answer; for an
 * error reported inside a streamed deploy (which started with 200) it is that 200.
 */
public final class SkepApiException extends RuntimeException {

    private final int status;
    private final ApiError error;

    public SkepApiException(int status, ApiError error) {
        super(error.error());
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public ApiError error() {
        return error;
    }
}
