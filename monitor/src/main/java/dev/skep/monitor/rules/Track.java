package dev.skep.monitor.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * The evaluation state of one rule for one subject: fed by inputs, asked whether the condition holds at an
 * instant. Pure, no I/O; owned by the engine under its lock.
 */
sealed interface Track {

    Rule rule();

    /** Does the rule's condition hold at {@code now}? */
    boolean holding(Instant now);

    /** Nothing worth keeping: the engine may drop an inactive track. */
    boolean idle(Instant now);

    /** What is wrong, one line. */
    String describe(AlertKey key, Instant now);

    /** Started holding at (for "since"), given it holds now. */
    Instant holdingSince(Instant now);

    /** " on {instance}" for an instance's alert, "" for an app's: how a description names its subject. */
    static String on(AlertKey key) {
        return key.instance() != null ? " on " + key.instance() : "";
    }

    /** What every track holds: the rule it judges, fixed for the track's life. */
    abstract sealed class Of<R extends Rule> implements Track {
        final R rule;

        Of(R rule) {
            this.rule = rule;
        }

        @Override
        public final R rule() {
            return rule;
        }
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 3600 == 0 && s >= 3600) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s >= 60) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    final class Expire extends Of<ExpireRule> {
        private Instant lastSeen;

        Expire(ExpireRule rule, Instant seen) {
            super(rule);
            this.lastSeen = seen;
        }

        void seen(Instant now) {
            lastSeen = now;
        }

        /** When the silence starts to count: last seen + T. */
        Instant deadline() {
            return lastSeen.plus(rule.after());
        }

        /** The same silence judged by a changed rule (a new T): when it was last seen carries over. */
        Expire withRule(ExpireRule changed) {
            return new Expire(changed, lastSeen);
        }

        @Override
        public boolean holding(Instant now) {
            return !now.isBefore(lastSeen.plus(rule.after()));
        }

        @Override
        public boolean idle(Instant now) {
            return false; // kept until the instance is gone
        }

        @Override
        public Instant holdingSince(Instant now) {
            return lastSeen.plus(rule.after());
        }

        @Override
        public String describe(AlertKey key, Instant now) {
            String what = rule.signal() == ExpireRule.Signal.HEARTBEAT ? "no heartbeat" : "no metrics";
            String from = key.instance() != null ? " from " + key.instance() : "";
            return what + from + " for " + human(Duration.between(lastSeen, now)) + " (last at " + lastSeen + ")";
        }
    }

    final class Threshold extends Of<ThresholdRule> {
        private Instant breachSince;
        private double last;

        Threshold(ThresholdRule rule) {
            super(rule);
        }

        void observe(double value, Instant now) {
            last = value;
            if (rule.breached(value)) {
                if (breachSince == null) {
                    breachSince = now;
                }
            } else {
                breachSince = null;
            }
        }

        @Override
        public boolean holding(Instant now) {
            return breachSince != null && !now.isBefore(breachSince.plus(rule.forDuration()));
        }

        @Override
        public boolean idle(Instant now) {
            return breachSince == null;
        }

        @Override
        public Instant holdingSince(Instant now) {
            return breachSince == null ? now : breachSince;
        }

        @Override
        public String describe(AlertKey key, Instant now) {
            String held = rule.forDuration().isZero() ? "" : " for " + human(rule.forDuration());
            return rule.metric() + " " + rule.op().symbol() + " " + fmt(rule.value()) + held + on(key)
                    + " (now " + fmt(last) + ")";
        }

        private static String fmt(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format("%.1f", v);
        }
    }

    final class Rate extends Of<RateRule> {
        private final ArrayDeque<Instant> times = new ArrayDeque<>();
        private Instant reachedAt;

        Rate(RateRule rule) {
            super(rule);
        }

        void add(Instant now) {
            times.addLast(now);
            prune(now);
            if (times.size() >= rule.count() && reachedAt == null) {
                reachedAt = now;
            }
        }

        private void prune(Instant now) {
            Instant oldest = now.minus(rule.window());
            while (!times.isEmpty() && times.peekFirst().isBefore(oldest)) {
                times.pollFirst();
            }
            while (times.size() > rule.count() * 4 + 16) {
                times.pollFirst(); // a flood needs no more than this to judge
            }
            if (times.size() < rule.count()) {
                reachedAt = null;
            }
        }

        @Override
        public boolean holding(Instant now) {
            prune(now);
            return times.size() >= rule.count();
        }

        @Override
        public boolean idle(Instant now) {
            prune(now);
            return times.isEmpty();
        }

        @Override
        public Instant holdingSince(Instant now) {
            return reachedAt == null ? now : reachedAt;
        }

        @Override
        public String describe(AlertKey key, Instant now) {
            return times.size() + " " + rule.eventType() + " events in " + human(rule.window()) + on(key)
                    + " (limit " + rule.count() + ")";
        }
    }

    final class Event extends Of<EventRule> {
        private Instant first;
        private Instant last;
        private int count;
        private String lastMessage;
        private String lastInstance;
        private Integer lastRelease;

        Event(EventRule rule) {
            super(rule);
        }

        /** @param instance, release the event's (either may be null): an app-wide alert still says where it was */
        void hit(Instant now, String message, String instance, Integer release) {
            if (last == null || now.isAfter(last.plus(rule.quiet()))) {
                first = now;
                count = 0;
            }
            last = now;
            count++;
            lastMessage = message;
            lastInstance = instance;
            lastRelease = release;
        }

        void clear() {
            last = null;
            first = null;
            count = 0;
        }

        @Override
        public boolean holding(Instant now) {
            return last != null && now.isBefore(last.plus(rule.quiet()));
        }

        @Override
        public boolean idle(Instant now) {
            return !holding(now);
        }

        @Override
        public Instant holdingSince(Instant now) {
            return first == null ? now : first;
        }

        @Override
        public String describe(AlertKey key, Instant now) {
            String times = count > 1 ? " (" + count + " times)" : "";
            String msg = lastMessage == null || lastMessage.isBlank() ? "" : ": " + lastMessage;
            // an app-wide alert (crash-loop, oom-killed) names the instance and release of the event that fired it
            String where = key.instance() == null && lastInstance != null ? " on " + lastInstance : "";
            String release = lastRelease != null ? " (release " + lastRelease + ")" : "";
            return rule.eventType() + on(key) + where + release + times + msg;
        }
    }
}
