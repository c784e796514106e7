namespace Fdt.Observability.Health;

/// <summary>Tags of health checks.</summary>
public static class HealthTags
{
    /// <summary>Checks that <c>/readyz</c> runs: the process should get traffic only when all pass.</summary>
    public const string Ready = "ready";
}
