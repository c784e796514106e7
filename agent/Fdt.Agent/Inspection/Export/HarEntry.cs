namespace Fdt.Agent.Inspection.Export;

/// <param name="Time">Total milliseconds (the sum of the timings that apply).</param>
internal sealed record HarEntry(string StartedDateTime, double Time, HarRequest Request, HarResponse Response, HarCache Cache, HarTimings Timings)
{
    public string? Comment { get; init; }
}
