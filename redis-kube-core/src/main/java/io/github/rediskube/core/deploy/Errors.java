package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import java.util.List;
import java.util.Locale;

/** Turns the API server's refusals into {@link RedisKubeException}s that say what to do. */
final class Errors {

    private Errors() {
    }

    static RedisKubeException of(String action, HasMetadata object, String namespace, KubernetesClientException e,
                                 List<String> applied) {
        return of(action, object == null ? null : object.getKind(), namespace,
                object == null ? null : object.getMetadata().getName(), e, applied);
    }

    /**
     * @param kind the kind of the object being worked on, or {@code null}
     * @param name its name (or the instance name, for objects selected by label), or {@code null}
     */
    static RedisKubeException of(String action, String kind, String namespace, String name,
                                 KubernetesClientException e, List<String> applied) {
        String apiMessage = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        String lower = String.valueOf(apiMessage).toLowerCase(Locale.ROOT);
        Reason reason;
        String advice;
        if (e.getCode() == 403 && lower.contains("exceeded quota")) {
            reason = Reason.QUOTA_EXCEEDED;
            advice = "raise the namespace's ResourceQuota or lower the spec's resources/replicas";
        } else if (e.getCode() == 403) {
            reason = Reason.FORBIDDEN;
            advice = "grant the caller's service account this verb on this resource (README: RBAC)";
        } else if (e.getCode() == 404 && lower.contains("namespace")) {
            reason = Reason.NAMESPACE_MISSING;
            advice = "create namespace " + namespace + " or deploy with DeployOptions.withCreateNamespace(true)";
        } else if (e.getCode() == 404) {
            reason = Reason.NOT_FOUND;
            advice = "check that the object exists";
        } else if (e.getCode() == 409) {
            reason = Reason.CONFLICT;
            advice = "another writer changed or owns these fields; retry, or use DeployOptions.withForceConflicts(true)"
                    + " to take them over";
        } else if (e.getCode() == 422) {
            reason = Reason.INVALID;
            advice = "the API server refused the object; see its message";
        } else {
            reason = Reason.OTHER;
            advice = "see the cause";
        }
        String message = action + " " + (kind == null ? "" : kind + " ") + namespace + (name == null ? "" : "/" + name)
                + " failed (" + reason + ", HTTP " + e.getCode() + "): " + apiMessage + ". Fix: " + advice + "."
                + (applied.isEmpty() ? "" : " Applied before the failure: " + applied
                        + "; deploying again converges.");
        return new RedisKubeException(reason, kind, namespace, name, message, apiMessage, applied, e);
    }

    /** A failure that is not the API server's answer (interrupted, an informer that died, ...). */
    static RedisKubeException unexpected(Instance instance, String action, Throwable cause) {
        if (cause instanceof KubernetesClientException e) {
            return of(action, null, instance.namespace(), instance.name(), e, List.of());
        }
        return new RedisKubeException(Reason.OTHER, null, instance.namespace(), instance.name(),
                action + " " + instance + " failed: " + cause, null, List.of(), cause);
    }

    /** A call this library refuses (shrinking a volume, ...); the message says why and what to do. */
    static RedisKubeException refused(Instance instance, String message) {
        return new RedisKubeException(Reason.REFUSED, "StatefulSet", instance.namespace(), instance.name(), message,
                null, List.of(), null);
    }
}
