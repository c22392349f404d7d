package dev.skep.monitor.rules;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whom one alert is about: each instance apart, or the app as a whole (one alert for all its instances). */
public enum Scope {
    @JsonProperty("instance") INSTANCE,
    @JsonProperty("app") APP
}
