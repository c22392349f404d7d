package dev.skep.model.view;

/** Every error answer of the API: what failed, and what to do about it. */
public record ApiError(String error, String detail) {
}
