namespace Fdt.Observability.Metrics;

/// <summary>The aggregated state of one instrument for one tag combination. Updated lock-free.</summary>
internal sealed class MetricSeries
{
    private readonly long[]? _buckets;
    private long _integral;
    private long _floatingBits;
    private long _histogramSumBits;

    public MetricSeries(string labels, int bucketCount)
    {
        Labels = labels;
        _buckets = bucketCount > 0 ? new long[bucketCount] : null;
    }

    /// <summary>The label pairs, rendered (<c>a="x",b="y"</c>), or empty.</summary>
    public string Labels { get; }

    /// <summary>The collection that last observed this series (observable instruments only).</summary>
    public long Generation { get; set; }

    public long IntegralValue => Interlocked.Read(ref _integral);

    public double Value => Interlocked.Read(ref _integral) + BitConverter.Int64BitsToDouble(Interlocked.Read(ref _floatingBits));

    public double HistogramSum => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _histogramSumBits));

    public void Add(long value) => Interlocked.Add(ref _integral, value);

    public void Add(double value) => AddBits(ref _floatingBits, value);

    public void Set(long value) => Interlocked.Exchange(ref _integral, value);

    public void Set(double value) => Interlocked.Exchange(ref _floatingBits, BitConverter.DoubleToInt64Bits(value));

    /// <summary>Counts <paramref name="value"/> in the first bucket whose upper bound is at least it (the last bucket is <c>+Inf</c>).</summary>
    public void Observe(double value, double[] bounds)
    {
        var index = Array.BinarySearch(bounds, value);
        if (index < 0)
        {
            index = ~index;
        }

        Interlocked.Increment(ref _buckets![index]);
        AddBits(ref _histogramSumBits, value);
    }

    /// <summary>Cumulative bucket counts (as Prometheus wants them); the last one is the total count.</summary>
    public long[] CumulativeBuckets()
    {
        var result = new long[_buckets!.Length];
        long running = 0;
        for (var i = 0; i < result.Length; i++)
        {
            running += Interlocked.Read(ref _buckets[i]);
            result[i] = running;
        }

        return result;
    }

    private static void AddBits(ref long location, double value)
    {
        long initial;
        long computed;
        do
        {
            initial = Interlocked.Read(ref location);
            computed = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(initial) + value);
        }
        while (Interlocked.CompareExchange(ref location, computed, initial) != initial);
    }
}
