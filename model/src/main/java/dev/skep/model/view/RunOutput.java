package dev.skep.model.view;

/**
 * One NDJSON line of a one-off's answer (POST .../run): first its {@code instance} id and {@code release}, then
 * one {@code line} per output line, then its {@code exit} code, or an {@code error} when it could not go on.
 */
public record RunOutput(String instance, Integer release, String line, Integer exit, ApiError error) {
}
