namespace Fdt.Data;

public static class TimeProviderExtensions
{
    /// <summary>
    /// Now in UTC, cut to whole microseconds: the precision PostgreSQL keeps. Times taken with it
    /// read back from either database exactly as they were written, so what an endpoint returns
    /// when it creates a row equals what a later read returns.
    /// </summary>
    public static DateTime GetStoredUtcNow(this TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }
}
