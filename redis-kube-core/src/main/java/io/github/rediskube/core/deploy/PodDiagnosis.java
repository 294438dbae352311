package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Says, from pod status and events, why a Redis pod is not ready. */
final class PodDiagnosis {

    private static final Set<String> IMAGE_PULL = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull");

    private PodDiagnosis() {
    }

    /** @return one line per problem: missing pods, then each unready pod and why */
    static List<String> explain(List<StatefulSet> statefulSets, List<Pod> pods, List<Event> events) {
        List<String> lines = new ArrayList<>();
        for (StatefulSet sts : statefulSets) {
            int wanted = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
            long present = pods.stream().filter(p -> p.getMetadata().getName().startsWith(
                    sts.getMetadata().getName() + "-")).count();
            if (present < wanted) {
                String why = latest(events, sts.getMetadata().getName(), "FailedCreate");
                lines.add("StatefulSet " + sts.getMetadata().getName() + ": " + present + " of " + wanted
                        + " pods exist" + (why == null ? "" : " — " + why));
            }
        }
        pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .filter(p -> !ready(p))
                .forEach(p -> lines.add("pod " + p.getMetadata().getName() + ": " + reason(p, events)));
        return lines;
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static String reason(Pod pod, List<Event> events) {
        var status = pod.getStatus();
        if (status == null) {
            return "no status yet (not scheduled)";
        }
        for (PodCondition condition : nonNull(status.getConditions())) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                return "unschedulable: " + condition.getMessage()
                        + " (lower the spec's requests, add nodes, or check the namespace's quota)";
            }
        }
        for (ContainerStatus container : nonNull(status.getContainerStatuses())) {
            var waiting = container.getState() == null ? null : container.getState().getWaiting();
            var lastTerminated = container.getLastState() == null ? null : container.getLastState().getTerminated();
            if (waiting != null && IMAGE_PULL.contains(waiting.getReason())) {
                return "image pull failure (" + waiting.getReason() + ") for " + container.getImage() + ": "
                        + waiting.getMessage() + " (check the image reference and imagePullSecrets)";
            }
            if (lastTerminated != null && "OOMKilled".equals(lastTerminated.getReason())) {
                return "OOMKilled (restarted " + container.getRestartCount() + " times): raise the memory limit"
                        + " or lower maxmemory";
            }
            if (waiting != null && "CrashLoopBackOff".equals(waiting.getReason())) {
                return "crash loop (restarted " + container.getRestartCount() + " times): " + waiting.getMessage()
                        + (lastTerminated == null ? "" : "; last exit " + lastTerminated.getExitCode() + " "
                        + lastTerminated.getReason());
            }
            if (waiting != null) {
                return "container waiting: " + waiting.getReason()
                        + (waiting.getMessage() == null ? "" : " — " + waiting.getMessage());
            }
        }
        String probe = latest(events, pod.getMetadata().getName(), "Unhealthy");
        if (probe != null && probe.contains("replica not linked")) {
            return "running, but the replica is not linked to its master: " + probe;
        }
        return "running, not ready" + (probe == null ? "" : ": " + probe);
    }

    private static String latest(List<Event> events, String objectName, String reason) {
        return events.stream()
                .filter(e -> e.getInvolvedObject() != null && objectName.equals(e.getInvolvedObject().getName()))
                .filter(e -> reason.equals(e.getReason()))
                .max(Comparator.comparing(e -> Objects.toString(e.getLastTimestamp(), "")))
                .map(Event::getMessage).orElse(null);
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
