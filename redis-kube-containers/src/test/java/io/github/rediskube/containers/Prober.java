package io.github.rediskube.containers;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One exec probe of one container, run as the kubelet runs it (no systemd runs podman's own health checks
 * here): the probe's own command in the container ({@code podman exec}), first after
 * {@code initialDelaySeconds}, then every {@code periodSeconds}, each bounded by {@code timeoutSeconds};
 * {@code successThreshold} successes in a row make it pass, {@code failureThreshold} failures in a row make it
 * fail — a failing liveness probe restarts the container ({@code onFailure}).
 */
final class Prober {

    /** One run of the probe. */
    record Run(long atMillis, int exitCode, String output) {
    }

    private final String container;
    private final String kind;
    private final Probe probe;
    private final Runnable onFailure;
    private final List<Run> runs = new ArrayList<>();
    private final AtomicInteger successes = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean passing;
    private volatile long firstPassMillis;
    private ScheduledFuture<?> schedule;

    Prober(String container, String kind, Probe probe, Runnable onFailure) {
        if (probe.getExec() == null) {
            throw new IllegalArgumentException(kind + " probe of " + container + " is not an exec probe: the "
                    + "container tier runs exec probes only, add the kind to Prober");
        }
        this.container = container;
        this.kind = kind;
        this.probe = probe;
        this.onFailure = onFailure;
    }

    /** Schedules the probe; {@code sinceStartMillis}: how long ago the container started (initialDelay counts from there). */
    void start(ScheduledExecutorService scheduler, long sinceStartMillis) {
        long delay = Math.max(0, seconds(probe.getInitialDelaySeconds(), 0) - sinceStartMillis);
        schedule = scheduler.scheduleWithFixedDelay(this::runOnce, delay, seconds(probe.getPeriodSeconds(), 10),
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    /** Restarts the count, as the kubelet does for a restarted container. */
    synchronized void reset() {
        passing = false;
        successes.set(0);
        failures.set(0);
    }

    private static long seconds(Integer value, int fallback) {
        return Duration.ofSeconds(value == null ? fallback : value).toMillis();
    }

    /** Runs the probe's command once and counts the result. */
    Run runOnce() {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(probe.getExec().getCommand());
        Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
        Podman.Result result = Podman.run(timeout.plusSeconds(2), null, args);
        Run run = new Run(System.currentTimeMillis(), result.exitCode(), (result.stdout() + result.stderr()).strip());
        boolean failedNow = false;
        synchronized (this) {
            runs.add(run);
            if (result.ok()) {
                failures.set(0);
                int threshold = probe.getSuccessThreshold() == null ? 1 : probe.getSuccessThreshold();
                if (successes.incrementAndGet() >= threshold) {
                    if (!passing && firstPassMillis == 0) {
                        firstPassMillis = run.atMillis();
                    }
                    passing = true;
                }
            } else {
                successes.set(0);
                int threshold = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
                if (failures.incrementAndGet() >= threshold && (passing || "liveness".equals(kind))) {
                    passing = false;
                    failedNow = true;
                    failures.set(0);
                }
            }
        }
        if (failedNow && onFailure != null) {
            onFailure.run();
        }
        return run;
    }

    /** @return when the probe passed for the first time, epoch millis, or 0 */
    long firstPassMillis() {
        return firstPassMillis;
    }

    boolean passing() {
        return passing;
    }

    String kind() {
        return kind;
    }

    String container() {
        return container;
    }

    synchronized List<Run> runs() {
        return List.copyOf(runs);
    }

    @Override
    public synchronized String toString() {
        Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
        return kind + " of " + container + ": " + (passing ? "passing" : "not passing") + " after " + runs.size()
                + " runs" + (last == null ? "" : ", last exit " + last.exitCode() + " " + last.output());
    }
}
