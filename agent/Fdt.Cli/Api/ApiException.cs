namespace Fdt.Cli.Api;

/// <summary>A call to the server's API failed; <see cref="Error"/> says how fdt reports it and exits.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(CliError error, Exception? innerException = null)
        : base(error?.Message, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public ApiException()
        : this(new CliError(ExitCodes.UnexpectedError, "The server's API call failed."))
    {
    }

    public ApiException(string message)
        : this(new CliError(ExitCodes.UnexpectedError, message))
    {
    }

    public ApiException(string message, Exception innerException)
        : this(new CliError(ExitCodes.UnexpectedError, message), innerException)
    {
    }

    public CliError Error { get; }
}
