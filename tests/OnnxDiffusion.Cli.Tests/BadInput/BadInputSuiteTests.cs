namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// The CLI's error contract on every bad input of <see cref="BadInputCases"/>: exit code 2, exactly one line on stderr
/// (a device notice aside) that names the culprit, no stack trace, and nothing new in the case's folders.
/// </summary>
[Collection("console")]
public class BadInputSuiteTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases())
            data.Add(c.Name);
        return data;
    }

    /// <summary>
    /// Every command, and every option of it that takes a value, appears in at least one case's arguments: read from the
    /// CLI's own command tree, so a new command or option cannot arrive without a bad-input case.
    /// </summary>
    [Fact]
    public void EveryCommandAndValueOptionHasABadInputCase()
    {
        var folder = new CaseFolder();
        var used = Cases().Select(c => c.Args(folder)).Where(a => a.Length > 0)
            .GroupBy(a => a[0]).ToDictionary(g => g.Key, g => g.SelectMany(a => a).ToHashSet(StringComparer.Ordinal));
        var missing = new List<string>();
        foreach (var command in Program.CreateRoot().Subcommands)
        {
            if (!used.TryGetValue(command.Name, out var tokens))
            {
                missing.Add(command.Name);
                continue;
            }
            foreach (var option in command.Options.Where(o => o.Name.StartsWith("--", StringComparison.Ordinal) && o.ValueType != typeof(bool)))
                if (!tokens.Contains(option.Name) && !option.Aliases.Any(tokens.Contains))
                    missing.Add($"{command.Name} {option.Name}");
        }
        Assert.True(missing.Count == 0, "no bad-input case for: " + string.Join(", ", missing));
    }

    [Fact]
    public void AtLeastTwelveBadModelFoldersAreCovered() =>
        Assert.True(BadModelFolderCases.All().Count() >= 12, $"{BadModelFolderCases.All().Count()} bad model folders");

    private static IEnumerable<BadInputCase> Cases() =>
        BadInputCases.All().Concat(BadOptionCases.All()).Concat(BadModelFolderCases.All()).Concat(BadLatentPipelineCases.All());

    [Theory]
    [MemberData(nameof(Names))]
    public void BadInputIsOneLineExitTwoAndWritesNothing(string name)
    {
        var c = Cases().Single(x => x.Name == name);
        var folder = new CaseFolder();
        c.Setup?.Invoke(folder);
        var args = c.Args(folder); // may make shard fixtures: part of the setup
        var before = folder.Listing();
        var (code, err) = TestData.RunCli(args);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal)).ToList();
        Assert.True(code == 2, $"exit {code}, stderr: {err}");
        Assert.True(lines.Count == 1, $"expected one line, got {lines.Count}: {err}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(c.Expected, lines[0]);
        Assert.DoesNotContain("   at ", err);
        Assert.Equal(before, folder.Listing());
        Assert.Empty(Directory.GetFiles(folder.Root, "*.partial", SearchOption.AllDirectories));
    }
}
