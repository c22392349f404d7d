package dev.skep.model.view;

/**
 * Instances of an app the scheduler wants but can put on no agent, and why ("no agent can fit this: ...").
 *
 * @param process the process type, e.g. web
 * @param missing how many of that type are not placed
 */
public record UnplacedView(String process, int missing, String reason) {
}
