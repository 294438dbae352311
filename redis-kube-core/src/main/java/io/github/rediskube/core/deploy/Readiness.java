package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.spec.Role;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waits, through one informer on the instance's StatefulSets, until master and replicas are ready. */
final class Readiness {

    private static final Logger LOG = LoggerFactory.getLogger(RedisDeployment.class);

    private final Instance instance;

    Readiness(Instance instance) {
        this.instance = instance;
    }

    void await(Duration timeout) {
        AtomicReference<String> lastProgress = new AtomicReference<>("");
        CompletableFuture<List<StatefulSet>> ready = instance.client().apps().statefulSets()
                .inNamespace(instance.namespace()).withLabels(instance.selector()).informOnCondition(list -> {
                    String progress = progress(list);
                    if (!progress.equals(lastProgress.getAndSet(progress))) {
                        LOG.info("{}: {}", instance, progress);
                    }
                    return isReady(list);
                });
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ready.cancel(true);
            List<String> problems = diagnose();
            throw new RedisKubeException(Reason.TIMEOUT, "StatefulSet", instance.namespace(), instance.name(),
                    instance + " not ready after " + timeout + " (" + lastProgress.get() + "):\n  - "
                            + String.join("\n  - ", problems.isEmpty() ? List.of("no pod reports a problem yet")
                            : problems), null, List.of(), null);
        } catch (ExecutionException e) {
            throw Errors.unexpected(instance, "waiting for", e.getCause());
        } catch (InterruptedException e) {
            ready.cancel(true);
            Thread.currentThread().interrupt();
            throw Errors.unexpected(instance, "waiting for", e);
        }
    }

    private boolean isReady(List<StatefulSet> statefulSets) {
        long roles = statefulSets.stream().filter(s -> s.getMetadata().getName().equals(
                instance.statefulSetName(Role.MASTER)) || s.getMetadata().getName().equals(
                instance.statefulSetName(Role.REPLICA))).count();
        return roles == 2 && statefulSets.stream().allMatch(Readiness::rolledOut);
    }

    /**
     * The StatefulSet runs exactly the wanted number of pods, all of the latest revision and ready: not
     * mid rolling update (updated pods behind, or current and update revisions differ) nor mid scale-down
     * (more pods than wanted).
     */
    static boolean rolledOut(StatefulSet s) {
        var status = s.getStatus();
        int wanted = wanted(s);
        if (status == null) {
            return wanted == 0;
        }
        if (!observed(s) || readyReplicas(s) < wanted) {
            return false;
        }
        if ((status.getReplicas() == null ? 0 : status.getReplicas()) != wanted) {
            return false;
        }
        if (status.getUpdatedReplicas() != null && status.getUpdatedReplicas() != wanted) {
            return false;
        }
        return status.getCurrentRevision() == null || status.getUpdateRevision() == null
                || status.getCurrentRevision().equals(status.getUpdateRevision());
    }

    /** The controller has seen the latest spec (when it reports generations at all). */
    private static boolean observed(StatefulSet s) {
        return s.getStatus() == null || s.getStatus().getObservedGeneration() == null
                || s.getMetadata().getGeneration() == null
                || s.getStatus().getObservedGeneration() >= s.getMetadata().getGeneration();
    }

    private String progress(List<StatefulSet> statefulSets) {
        StringBuilder progress = new StringBuilder();
        for (Role role : Role.values()) {
            StatefulSet sts = statefulSets.stream()
                    .filter(s -> s.getMetadata().getName().equals(instance.statefulSetName(role))).findFirst()
                    .orElse(null);
            if (progress.length() > 0) {
                progress.append(", ");
            }
            progress.append(role == Role.MASTER ? "master " : "replicas ")
                    .append(sts == null ? "missing" : readyReplicas(sts) + "/" + wanted(sts) + " ready"
                            + rollout(sts));
        }
        return progress.toString();
    }

    /** @return what keeps ready pods from counting: a rolling update or a scale-down in progress */
    private static String rollout(StatefulSet sts) {
        var status = sts.getStatus();
        if (status == null || readyReplicas(sts) < wanted(sts) || rolledOut(sts)) {
            return "";
        }
        if (status.getReplicas() != null && status.getReplicas() > wanted(sts)) {
            return " (scaling down: " + status.getReplicas() + " pods)";
        }
        if (status.getUpdatedReplicas() != null && status.getUpdatedReplicas() != wanted(sts)) {
            return " (rolling update: " + status.getUpdatedReplicas() + " updated)";
        }
        return " (rolling update in progress)";
    }

    private static int readyReplicas(StatefulSet sts) {
        return sts.getStatus() == null || sts.getStatus().getReadyReplicas() == null ? 0
                : sts.getStatus().getReadyReplicas();
    }

    private static int wanted(StatefulSet sts) {
        return sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    }

    private List<String> diagnose() {
        try {
            return PodDiagnosis.explain(instance.statefulSets(), instance.pods(),
                    instance.client().v1().events().inNamespace(instance.namespace()).list().getItems());
        } catch (KubernetesClientException e) {
            return List.of("(could not read pods and events: " + e.getMessage() + ")");
        }
    }
}
