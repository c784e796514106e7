namespace Fdt.Cli;

/// <summary>The user asked for something fdt cannot do as asked (exit code 2); the message says how to fix it.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message, string? hint = null)
        : base(message)
    {
        Hint = hint;
    }

    public UsageException()
        : this("Invalid usage.")
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What to do about it, when there is more to say than the message.</summary>
    public string? Hint { get; }
}
