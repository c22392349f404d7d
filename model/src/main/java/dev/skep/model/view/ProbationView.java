package dev.skep.model.view;

/**
 * An app's probation window: how long a new release serves, the old one kept warm, before it counts as released.
 *
 * @param seconds        the window in force (0: off)
 * @param installDefault whether it is the install's default ({@code --probation}) because the app set none
 */
public record ProbationView(String app, long seconds, boolean installDefault) {
}
