package dev.skep.model.view;

import java.time.Instant;

/**
 * POST /v1/dashboard/links: a one-time dashboard login code, the path that opens it on the API that made it
 * (a client puts the server it called in front), and when it stops working.
 */
public record LoginLink(String code, String path, Instant expires) {
}
