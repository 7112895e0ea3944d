using Integrations.Receiver.Client;
using System.CommandLine;
using System.Security.Cryptography;

namespace Integrations.Cli.Commands;

/// <summary>
/// <c>secrets rotate</c>: add a new webhook signing secret to a source, then optionally retire the
/// source's older run-time secrets. The secret is generated here or read from standard input,
/// never taken from an argument (which would land in the shell history); it is printed only with
/// <c>--show</c>, and never logged.
/// </summary>
public static class SecretsCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = new Option<string>("--source") { Description = "The webhook source, e.g. github.", Required = true };
        var stdin = new Option<bool>("--stdin") { Description = "Read the new secret from standard input (one line) instead of generating one." };
        var show = new Option<bool>("--show") { Description = "Print the generated secret on standard output, to configure the sender." };
        var retireOld = new Option<bool>("--retire-old") { Description = "Retire the source's other active run-time secrets once the new one is added. Do this after the sender signs with the new one." };
        var format = new Option<string>("--format") { Description = "Format of a generated secret: hex, or standard (whsec_ + base64, for Standard Webhooks sources).", DefaultValueFactory = _ => "hex" };
        format.AcceptOnlyFromAmong("hex", "standard");
        var rotate = new Command("rotate", "Add a new signing secret to a webhook source (both verify until the old one is retired).") { source, stdin, show, retireOld, format };
        context.SetAction(rotate, async (parse, cancellationToken) =>
        {
            var fromStdin = parse.GetValue(stdin);
            if (!fromStdin && !parse.GetValue(show))
            {
                throw new CliException(ExitCodes.Usage,
                    "A generated secret must reach the sender: pass --show to print it, or pipe your own secret with --stdin.");
            }

            var secret = fromStdin ? ReadSecret(context.Console.Input) : Generate(parse.GetValue(format)!);
            var name = parse.GetValue(source)!;
            var actor = context.Actor(parse);
            using var service = context.Client(parse, "receiver");
            var receiver = new ReceiverClient(service.Http);
            var before = await receiver.ListSecretsAsync(name, cancellationToken);
            var added = await receiver.AddSecretAsync(name, new AddSecretRequest(secret, actor), cancellationToken);
            var retired = new List<long>();
            if (parse.GetValue(retireOld))
            {
                foreach (var old in before.Where(s => s.RetiredAt is null && s.Id != added.Id))
                {
                    await receiver.RetireSecretAsync(name, old.Id, actor, cancellationToken);
                    retired.Add(old.Id);
                }
            }

            var shown = !fromStdin && parse.GetValue(show);
            var result = new { source = added.Source, added = added.Id, retired, secret = shown ? secret : null };
            context.Write(parse, result, output =>
            {
                context.Console.Error.WriteLine($"Added secret #{added.Id} to {added.Source}; retired {(retired.Count == 0 ? "none" : string.Join(", ", retired.Select(id => $"#{id}")))}.");
                if (shown)
                {
                    output.WriteLine(secret);
                }
            });
            return ExitCodes.Success;
        });

        return new Command("secrets", "Webhook signing secrets.") { rotate };
    }

    private static string ReadSecret(TextReader input)
    {
        var secret = input.ReadLine()?.Trim();
        return string.IsNullOrEmpty(secret)
            ? throw new CliException(ExitCodes.Usage, "--stdin was given but standard input held no secret.")
            : secret;
    }

    private static string Generate(string format)
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        return format == "standard" ? $"whsec_{Convert.ToBase64String(bytes)}" : Convert.ToHexStringLower(bytes);
    }
}
