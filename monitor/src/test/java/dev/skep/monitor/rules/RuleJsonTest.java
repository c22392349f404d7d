package dev.skep.monitor.rules;

import dev.skep.model.SkepException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleJsonTest {

    @Test
    void every_kind_reads_from_the_documented_json() {
        List<Rule> rules = RuleJson.parse("""
                [{"kind":"expire","id":"heartbeat","signal":"heartbeat","after":"PT2M","per":"instance"},
                 {"kind":"threshold","id":"rss-high","metric":"rss_mb","op":">","value":400,"for":"PT1M","reactors":["mail"]},
                 {"kind":"rate","id":"restarts","eventType":"instance.exited","count":5,"window":"PT10M","per":"app"},
                 {"kind":"event","id":"crash-loop","eventType":"instance.crash-loop","quiet":"PT10M"},
                 {"kind":"off","id":"oom-killed"}]
                """);
        assertThat(rules).containsExactly(
                new ExpireRule("heartbeat", ExpireRule.Signal.HEARTBEAT, Duration.ofMinutes(2), Scope.INSTANCE, null),
                new ThresholdRule("rss-high", "rss_mb", ThresholdRule.Op.GT, 400, Duration.ofMinutes(1), List.of("mail")),
                new RateRule("restarts", "instance.exited", 5, Duration.ofMinutes(10), Scope.APP, null),
                new EventRule("crash-loop", "instance.crash-loop", Duration.ofMinutes(10), null, Scope.APP, null),
                new OffRule("oom-killed"));
    }

    @Test
    void rules_survive_a_round_trip() {
        List<Rule> rules = List.of(DefaultRules.HEARTBEAT, DefaultRules.DEPLOY_FAILED,
                new ThresholdRule("cpu", "cpu_percent", ThresholdRule.Op.GE, 90.5, Duration.ofSeconds(30), null));
        String json = RuleJson.write(rules);
        assertThat(json).contains("\"kind\":\"threshold\"", "\"op\":\">=\"", "\"for\":\"PT30S\"", "\"after\":\"PT2M\"");
        assertThat(RuleJson.parse(json)).isEqualTo(rules);
    }

    @Test
    void a_bad_rule_is_a_bad_request_that_names_the_problem() {
        assertThatThrownBy(() -> RuleJson.parse("[{\"kind\":\"rate\",\"id\":\"r\",\"eventType\":\"x\",\"count\":0,\"window\":\"PT1M\"}]"))
                .isInstanceOf(SkepException.class).hasMessageContaining("count must be >= 1");
        assertThatThrownBy(() -> RuleJson.parse("[{\"kind\":\"threshold\",\"id\":\"t\",\"metric\":\"m\",\"op\":\"=~\",\"value\":1}]"))
                .isInstanceOf(SkepException.class).hasMessageContaining("op must be one of");
        assertThatThrownBy(() -> RuleJson.parse("[{\"kind\":\"off\",\"id\":\"../x\"}]"))
                .isInstanceOf(SkepException.class).hasMessageContaining("rule id");
        assertThatThrownBy(() -> RuleJson.parse("[{\"kind\":\"off\",\"id\":\"a\"},{\"kind\":\"off\",\"id\":\"a\"}]"))
                .isInstanceOf(SkepException.class).hasMessageContaining("twice");
    }
}
