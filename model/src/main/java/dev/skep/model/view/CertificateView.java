package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/** One HTTPS certificate of an app, as the API lists it: never the key. */
public record CertificateView(String domain, String subject, List<String> sans, Instant notAfter, Instant added) {
}
