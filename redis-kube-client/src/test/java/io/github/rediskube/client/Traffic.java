package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A writer/reader thread on the split connection, recording every failed command (rotation tests). */
final class Traffic implements AutoCloseable {

    private static final Duration BOUND = Duration.ofSeconds(20);

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ops = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Thread thread;

    Traffic(StatefulRedisMasterReplicaConnection<String, String> redis) {
        thread = new Thread(() -> {
            long i = 0;
            while (running.get()) {
                try {
                    redis.sync().set("k" + (i % 100), "v" + i);
                    redis.sync().get("k" + (i % 100));
                    ops.addAndGet(2);
                } catch (RuntimeException e) {
                    failures.add(i + ": " + e);
                }
                i++;
            }
        }, "rotation-traffic");
        thread.setDaemon(true);
        thread.start();
    }

    long ops() {
        return ops.get();
    }

    /** Waits (bounded, 20 s) until {@code count} commands succeeded or one failed. */
    void awaitOps(long count) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (ops.get() < count && failures.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + BOUND + ": " + count + " commands (" + ops.get() + " so far)");
            }
            Thread.sleep(20);
        }
    }

    void stopAndAssertNoFailure() throws InterruptedException {
        running.set(false);
        thread.join(BOUND.toMillis());
        assertThat(failures).as("failed commands during and after rotation (of %d)", ops.get()).isEmpty();
        System.out.printf("%d commands, %d failed%n", ops.get(), failures.size());
        assertThat(ops.get()).isPositive();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(BOUND.toMillis());
    }
}
