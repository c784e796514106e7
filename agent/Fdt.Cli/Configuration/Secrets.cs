namespace Fdt.Cli.Configuration;

/// <summary>Shows secrets without giving them away.</summary>
internal static class Secrets
{
    private const int ShownCharacters = 8;

    /// <summary>
    /// The first 8 characters and an ellipsis. A short value shows at most half of itself, so the
    /// whole secret is never printed.
    /// </summary>
    public static string Mask(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var shown = Math.Min(ShownCharacters, secret.Length / 2);
        return string.Concat(secret.AsSpan(0, shown), "…");
    }
}
