package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Deletes the objects of one instance, kind by kind, selected by its labels, and waits until they are gone. */
final class Deletion {

    private Deletion() {
    }

    /**
     * @param instance the deployment whose objects go (never another's: label-scoped)
     * @param kinds    the kinds to delete, in order
     * @param timeout  how long to wait, in all, until none is left
     */
    static void deleteAll(Instance instance, List<Class<? extends HasMetadata>> kinds, Duration timeout) {
        String namespace = instance.namespace();
        String name = instance.name();
        String current = null;   // the kind being deleted or waited for, for the error
        CompletableFuture<? extends List<? extends HasMetadata>> gone = null;
        try {
            for (Class<? extends HasMetadata> kind : kinds) {
                current = HasMetadata.getKind(kind);
                instance.client().resources(kind).inNamespace(namespace).withLabels(instance.selector())
                        .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Class<? extends HasMetadata> kind : kinds) {
                current = HasMetadata.getKind(kind);
                long left = Math.max(1, deadline - System.nanoTime());
                gone = instance.client().resources(kind).inNamespace(namespace).withLabels(instance.selector())
                        .informOnCondition(List::isEmpty);
                gone.get(left, TimeUnit.NANOSECONDS);
            }
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "deleting", current, namespace, name, e, List.of());
        } catch (TimeoutException e) {
            throw new RedisKubeException(Reason.TIMEOUT, current, namespace, name, namespace + "/" + name
                    + " still has " + current + " objects after " + timeout + " (finalizers or slow pod shutdown?)"
                    + ". Fix: check them with kubectl get all -l app.kubernetes.io/instance=" + name, null, List.of(), e);
        } catch (ExecutionException e) {
            throw Errors.unexpected(instance, "deleting", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisKubeException(Reason.OTHER, current, namespace, name, "interrupted while deleting", null,
                    List.of(), e);
        } finally {
            if (gone != null) {
                gone.cancel(true);   // stops its informer (a no-op once the condition was met)
            }
        }
    }
}
