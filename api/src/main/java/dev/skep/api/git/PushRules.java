package dev.skep.api.git;

import java.util.List;
import java.util.function.Function;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * Which pushes may deploy: one branch at a time (a push deploys one tree), no tags, no deletes, and only over what
 * the pusher saw (another push in between moved the branch: deploying this one now would be deploying a tree
 * decided without it). Force pushes are fine: the pushed tree is what deploys, history or not.
 */
final class PushRules {

    static final String BRANCHES = "refs/heads/";

    private PushRules() {
    }

    /**
     * @param current the ref's commit now (zero when there is none)
     * @return why the push may not deploy, or null when it may
     */
    static String refusal(List<ReceiveCommand> commands, Function<String, ObjectId> current) {
        if (commands.size() > 1) {
            return "push one branch at a time: a push deploys one tree, this one names " + commands.size() + " refs";
        }
        ReceiveCommand command = commands.get(0);
        String name = command.getRefName();
        if (!name.startsWith(BRANCHES)) {
            return "only a branch deploys, not " + name + ": push one, e.g. git push URL main";
        }
        String branch = name.substring(BRANCHES.length());
        if (command.getType() == ReceiveCommand.Type.DELETE) {
            return "deleting " + branch + " deploys nothing: the live release keeps serving (skep stop stops the app)";
        }
        if (!current.apply(name).equals(command.getOldId())) {
            return moved(name);
        }
        return null;
    }

    /** Why a push over a branch another push moved since is refused. */
    static String moved(String ref) {
        String branch = ref.startsWith(BRANCHES) ? ref.substring(BRANCHES.length()) : ref;
        return "another push moved " + branch + " meanwhile: push again";
    }
}
