package dev.skep.monitor.rules;

import dev.skep.model.AppId;

/** What alerts are de-duplicated by. {@code app} and {@code instance} may be null. */
record AlertKey(String ruleId, AppId app, String instance) {
}
