package dev.skep.monitor.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.skep.model.SkepException;
import dev.skep.monitor.support.MonitorJson;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads and writes an app's rules as a JSON array; the boundary where a user's rules are validated. */
public final class RuleJson {

    private static final TypeReference<List<Rule>> LIST = new TypeReference<>() {
    };

    private RuleJson() {
    }

    /** Parses and validates; a bad rule is a 400 that names the problem. */
    public static List<Rule> parse(String json) {
        List<Rule> rules;
        try {
            rules = MonitorJson.mapper().readValue(json, LIST);
        } catch (JsonProcessingException e) {
            throw SkepException.badRequest("invalid rules: " + e.getOriginalMessage(),
                    "rules are a JSON array of {\"kind\":\"expire|threshold|rate|event|off\",\"id\":...}");
        }
        Set<String> ids = new HashSet<>();
        for (Rule rule : rules) {
            if (rule == null) {
                throw SkepException.badRequest("invalid rules: null entry", null);
            }
            if (!ids.add(rule.id())) {
                throw SkepException.badRequest("invalid rules: id '" + rule.id() + "' appears twice", null);
            }
        }
        return List.copyOf(rules);
    }

    public static String write(List<Rule> rules) {
        try {
            return MonitorJson.mapper().writerFor(LIST).writeValueAsString(rules);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write rules", e);
        }
    }
}
