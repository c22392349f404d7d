package dev.skep.model.view;

import java.time.Instant;
import java.util.List;

/** A user as the API shows it: its tokens by id and dates, never a value or a hash. */
public record UserView(String name, boolean admin, Instant created, List<TokenView> tokens) {
}
