package io.kymux.core.session;

/** Why frames were not sent to a viewer. */
public record DropCounters(long overflow, long late, long waitingForKey, long superseded) {

    public long total() {
        return overflow + late + waitingForKey + superseded;
    }
}
