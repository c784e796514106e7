using System.Net;
using Fdt.Cli.Api;
using Fdt.Cli.Configuration;
using Fdt.Cli.Output;

namespace Fdt.Cli.Commands.Logout;

/// <summary>
/// Runs <c>fdt logout</c>: revokes the config file's authtoken on the server
/// (<c>POST /v1/agent/logout</c>), then removes it from the config file, keeping the server. When
/// the server cannot be reached the authtoken stays, so that the user can try again.
/// </summary>
internal sealed class LogoutCommand(CliContext context)
{
    public const string LogoutPath = "/v1/agent/logout";

    public async Task<int> ExecuteAsync(LogoutCommandInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = context.Out;
        try
        {
            var store = CliConfigStore.ForEnvironment(context.Environment);
            var config = store.Load();
            var fromEnvironment = context.Environment.GetNonEmpty(EnvironmentVariables.Authtoken) is not null;
            if (string.IsNullOrWhiteSpace(config.Authtoken))
            {
                output.WriteLine("Not signed in.");
                if (fromEnvironment)
                {
                    output.WriteLine($"{EnvironmentVariables.Authtoken} is set; fdt logout does not change it: unset it yourself.");
                }

                return ExitCodes.Success;
            }

            var token = config.Authtoken.Trim();
            var server = SettingsResolver.ResolveServer(input.Server, context.Environment, config, store.Path);
            if (fromEnvironment)
            {
                output.WriteLine($"{EnvironmentVariables.Authtoken} is set; fdt logout revokes and removes only the authtoken of {store.Path}, not {EnvironmentVariables.Authtoken}'s.");
            }

            string outcome;
            using (var client = ApiClient.Create(context, server, input.Insecure))
            {
                try
                {
                    var response = await client.SendAsync(HttpMethod.Post, LogoutPath, content: null, token, cancellationToken);
                    outcome = response.StatusCode switch
                    {
                        HttpStatusCode.NoContent or HttpStatusCode.OK => $"Revoked the authtoken on {server}.",
                        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"The server at {server} no longer accepted the authtoken (it was already revoked or is unknown there).",
                        HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => $"The server at {server} runs without accounts, so the authtoken could not be revoked there.",
                        _ => throw response.Unexpected(),
                    };
                }
                catch (ApiException ex)
                {
                    // Not revoked: the authtoken stays, so that the user can try again.
                    var kept = $"The authtoken was kept in {store.Path}; run `fdt logout` again.";
                    throw new ApiException(ex.Error with { Hint = ex.Error.Hint is null ? kept : $"{ex.Error.Hint} {kept}" }, ex);
                }
            }

            store.Save(store.Load() with { Authtoken = null });
            output.WriteLine(outcome);
            output.WriteLine($"Removed the authtoken {Secrets.Mask(token)} from {store.Path}.");
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.WriteLine("Logout canceled; the authtoken was kept.");
            return ExitCodes.Success;
        }
        catch (ApiException ex)
        {
            return Fail(ex.Error);
        }
        catch (UsageException ex)
        {
            return Fail(CliError.FromUsage(ex));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(new CliError(ExitCodes.UnexpectedError, $"Cannot write the config file: {ex.Message}"));
        }
    }

    private int Fail(CliError error)
    {
        ErrorOutput.Write(context.Error, error);
        return error.ExitCode;
    }
}
