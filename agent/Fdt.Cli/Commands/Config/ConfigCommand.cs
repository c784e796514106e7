using Fdt.Cli.Configuration;
using Fdt.Cli.Output;

namespace Fdt.Cli.Commands.Config;

/// <summary>Runs the <c>fdt config</c> subcommands against the config file.</summary>
internal sealed class ConfigCommand(CliContext context)
{
    public int AddAuthtoken(string token)
    {
        return Run(() =>
        {
            token = token?.Trim() ?? string.Empty;
            if (token.Length == 0 || token.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new UsageException("The authtoken must be non-empty, without spaces or control characters.");
            }

            var store = CliConfigStore.ForEnvironment(context.Environment);
            store.Save(store.Load() with { Authtoken = token });
            context.Out.WriteLine($"Authtoken saved to {store.Path}");
        });
    }

    public int SetServer(string value)
    {
        return Run(() =>
        {
            if (!ServerUrl.TryParse(value, out var url))
            {
                throw new UsageException(
                    $"'{value}' is not an absolute http:// or https:// URL.",
                    "Give the server's URL, e.g. https://fdt.example.com or http://localhost:8080.");
            }

            var store = CliConfigStore.ForEnvironment(context.Environment);
            store.Save(store.Load() with { Server = url.ToString() });
            context.Out.WriteLine($"Server set to {url} in {store.Path}");
        });
    }

    public int Show()
    {
        return Run(() =>
        {
            var store = CliConfigStore.ForEnvironment(context.Environment);
            var config = store.Load();
            var output = context.Out;
            output.WriteLine($"Config file: {store.Path}{(File.Exists(store.Path) ? string.Empty : " (not created yet)")}");
            output.WriteLine($"server:      {config.Server ?? $"(not set; default {ServerUrl.Default})"}");
            output.WriteLine($"authtoken:   {(string.IsNullOrEmpty(config.Authtoken) ? "(not set)" : Secrets.Mask(config.Authtoken))}");
            if (context.Environment.GetNonEmpty(EnvironmentVariables.Server) is { } server)
            {
                output.WriteLine($"{EnvironmentVariables.Server} is set and takes precedence: {server}");
            }

            if (context.Environment.GetNonEmpty(EnvironmentVariables.Authtoken) is { } authtoken)
            {
                output.WriteLine($"{EnvironmentVariables.Authtoken} is set and takes precedence: {Secrets.Mask(authtoken)}");
            }
        });
    }

    private int Run(Action action)
    {
        try
        {
            action();
            return ExitCodes.Success;
        }
        catch (UsageException ex)
        {
            ErrorOutput.Write(context.Error, CliError.FromUsage(ex));
            return ExitCodes.UsageError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ErrorOutput.Write(context.Error, new CliError(ExitCodes.UnexpectedError, $"Cannot write the config file: {ex.Message}"));
            return ExitCodes.UnexpectedError;
        }
    }
}
