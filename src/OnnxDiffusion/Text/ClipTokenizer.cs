using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OnnxDiffusion.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer, as Stable Diffusion pipelines ship it in <c>tokenizer/</c> (vocab.json, merges.txt,
/// tokenizer_config.json). The rules are those of OpenAI CLIP's <c>simple_tokenizer.py</c>, which Hugging Face's
/// CLIPTokenizer follows: collapse whitespace and lower-case; split with CLIP's pattern (the two special tokens,
/// English contractions, letter runs, single digits, runs of other non-space characters); map each piece's UTF-8
/// bytes to GPT-2's printable byte alphabet; mark the piece's last symbol with <c>&lt;/w&gt;</c>; apply merges by rank;
/// look the symbols up. <see cref="Encode"/> frames the ids as the text encoder takes them: bos, at most
/// <see cref="MaxLength"/> − 2 ids, eos, then the pad id up to <see cref="MaxLength"/>.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers is not used: its BPE and CodeGen/GPT-2 tokenizers do either byte-level mapping or an
/// end-of-word suffix, and CLIP needs both together with its own pre-tokenization pattern; 150 lines with tests against
/// hand-derived ids are the smaller risk.
/// </remarks>
public sealed class ClipTokenizer
{
    private const string EndOfWord = "</w>";
    private static readonly Regex Pieces = new(
        @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.Compiled);
    private static readonly char[] ByteChars = BytesToUnicode();

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Dictionary<string, string[]> _cache = new(StringComparer.Ordinal);
    private readonly int _unkId;
    private readonly string _bos, _eos;

    private ClipTokenizer(Dictionary<string, int> vocab, Dictionary<(string, string), int> ranks, string bos, string eos, int padId, int unkId, int maxLength)
    {
        _vocab = vocab;
        _ranks = ranks;
        _bos = bos;
        _eos = eos;
        BosId = vocab[bos];
        EosId = vocab[eos];
        PadId = padId;
        _unkId = unkId;
        MaxLength = maxLength;
    }

    /// <summary>Ids per encoded prompt (77 for CLIP).</summary>
    public int MaxLength { get; }

    /// <summary>Id of the start token.</summary>
    public int BosId { get; }

    /// <summary>Id of the end token.</summary>
    public int EosId { get; }

    /// <summary>Id the encoded prompt is padded with (SD 1.x: the end token; SD 2.x: "!").</summary>
    public int PadId { get; }

    /// <summary>Entries in vocab.json.</summary>
    public int VocabSize => _vocab.Count;

    /// <summary>Reads <c>vocab.json</c>, <c>merges.txt</c> and, when present, <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c>.</summary>
    /// <exception cref="ConfigException">A missing or malformed file, or special tokens the vocabulary lacks (one line, named).</exception>
    public static ClipTokenizer Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new ConfigException($"{folder}: tokenizer folder not found");
        string vocabPath = Path.Combine(folder, "vocab.json"), mergesPath = Path.Combine(folder, "merges.txt");
        foreach (var required in new[] { vocabPath, mergesPath })
            if (!File.Exists(required))
                throw new ConfigException($"{required}: not found; a CLIP BPE tokenizer needs vocab.json and merges.txt");
        var vocab = ReadVocab(vocabPath);
        var ranks = ReadMerges(mergesPath);

        var config = ReadOptional(Path.Combine(folder, "tokenizer_config.json"));
        var map = ReadOptional(Path.Combine(folder, "special_tokens_map.json"));
        string Token(string key, string fallback) => TokenText(config?[key]) ?? TokenText(map?[key]) ?? fallback;
        string bos = Token("bos_token", "<|startoftext|>"), eos = Token("eos_token", "<|endoftext|>");
        string pad = Token("pad_token", eos), unk = Token("unk_token", eos);
        foreach (var (role, token) in new[] { ("bos", bos), ("eos", eos), ("pad", pad), ("unk", unk) })
            if (!vocab.ContainsKey(token))
                throw new ConfigException($"{vocabPath}: has no {role} token \"{token}\" (CLIP's vocabulary ends with <|startoftext|> and <|endoftext|>)");
        int maxLength = 77;
        // Some exports store a sentinel of 1e30 for "no limit"; CLIP's position table still has 77 rows.
        if (config?["model_max_length"] is JsonValue v && v.TryGetValue(out double max) && max <= 10000)
        {
            if (max < 3 || max != Math.Floor(max))
                throw new ConfigException($"{Path.Combine(folder, "tokenizer_config.json")}: key 'model_max_length' = {max.ToString(CultureInfo.InvariantCulture)}: expected an integer ≥ 3 (bos, a token, eos)");
            maxLength = (int)max;
        }
        return new ClipTokenizer(vocab, ranks, bos, eos, vocab[pad], vocab[unk], maxLength);
    }

    /// <summary>The BPE ids of <paramref name="text"/>, without bos/eos and without truncation.</summary>
    public IReadOnlyList<int> Tokenize(string text)
    {
        string clean = Whitespace.Replace(text, " ").Trim().ToLowerInvariant();
        var ids = new List<int>();
        foreach (Match piece in Pieces.Matches(clean))
        {
            if (piece.Value == _bos || piece.Value == _eos)
            {
                ids.Add(_vocab[piece.Value]);
                continue;
            }
            foreach (var symbol in Bpe(piece.Value))
                ids.Add(_vocab.TryGetValue(symbol, out int id) ? id : _unkId);
        }
        return ids;
    }

    /// <summary>bos, the first <see cref="MaxLength"/> − 2 ids of <paramref name="text"/>, eos, then pad ids: <see cref="MaxLength"/> in all.</summary>
    public int[] Encode(string text)
    {
        var ids = Tokenize(text);
        var framed = new int[MaxLength];
        Array.Fill(framed, PadId);
        framed[0] = BosId;
        int n = Math.Min(ids.Count, MaxLength - 2);
        for (int i = 0; i < n; i++)
            framed[1 + i] = ids[i];
        framed[1 + n] = EosId;
        return framed;
    }

    // One pre-token: its bytes as printable characters, "</w>" on the last, then the lowest-ranked pair merged until none is left.
    private string[] Bpe(string piece)
    {
        if (_cache.TryGetValue(piece, out var done))
            return done;
        var word = Encoding.UTF8.GetBytes(piece).Select(b => ByteChars[b].ToString()).ToList();
        word[^1] += EndOfWord;
        while (word.Count > 1)
        {
            (string, string)? best = null;
            int bestRank = int.MaxValue;
            for (int i = 0; i + 1 < word.Count; i++)
                if (_ranks.TryGetValue((word[i], word[i + 1]), out int r) && r < bestRank)
                    (best, bestRank) = ((word[i], word[i + 1]), r);
            if (best is not var (first, second))
                break;
            var merged = new List<string>(word.Count);
            for (int i = 0; i < word.Count; i++)
            {
                if (i + 1 < word.Count && word[i] == first && word[i + 1] == second)
                {
                    merged.Add(first + second);
                    i++;
                }
                else
                {
                    merged.Add(word[i]);
                }
            }
            word = merged;
        }
        return _cache[piece] = word.ToArray();
    }

    // GPT-2's table: printable Latin-1 bytes stand for themselves, the other 68 bytes for U+0100 onwards, in byte order.
    private static char[] BytesToUnicode()
    {
        var table = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)(256 + next++);
        }
        return table;
    }

    private static Dictionary<string, int> ReadVocab(string path)
    {
        try
        {
            var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path));
            return vocab is { Count: > 0 } ? vocab : throw new ConfigException($"{path}: empty vocabulary: expected a JSON object of token → id");
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"{path}: not a vocabulary (expected a JSON object of token → id: {ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }

    private static Dictionary<(string, string), int> ReadMerges(string path)
    {
        var ranks = new Dictionary<(string, string), int>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.StartsWith("#version", StringComparison.Ordinal) || line.Trim().Length == 0)
                continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new ConfigException($"{path}: line {lineNumber} '{line}': expected two symbols separated by one space");
            ranks.TryAdd((parts[0], parts[1]), ranks.Count);
        }
        return ranks;
    }

    private static JsonObject? ReadOptional(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ConfigException($"{path}: expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"{path}: invalid JSON ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }

    // A special token is a string, or an object whose "content" is the string (AddedToken as transformers saves it).
    private static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonObject o when o["content"] is JsonValue c && c.TryGetValue(out string? s) => s,
        _ => null,
    };
}
