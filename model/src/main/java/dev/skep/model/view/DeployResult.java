package dev.skep.model.view;

import java.util.List;

/** The answer to a successful deploy (POST /v1/apps/{user}/{app}/releases). */
public record DeployResult(String app, int release, String sha256, long uploadBytes, List<String> command,
                           long buildMillis, long totalMillis, String url, List<InstanceView> instances) {
}
