using System.Buffers.Binary;
using System.Text;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Midi;

/// <summary>
/// A strict, allocation-safe parser for Standard MIDI Files. It checks every length against the bytes that are
/// actually there before using it (chunk lengths against the file, event lengths against their chunk), so a
/// malformed or hostile file ends in one <see cref="MidiFormatException"/> naming the byte, never in an
/// allocation sized by a length field. It hands the events it decodes to a <see cref="PieceAssembler"/>.
/// </summary>
/// <remarks>
/// We parse the bytes ourselves instead of using NAudio's reader, which throws assorted exception types on
/// malformed input. Leniencies, each common in files from real programs: header chunks longer than 6 bytes
/// (extra bytes skipped, as the standard asks), unknown chunk types (skipped), bytes after the declared track
/// chunks (ignored), a track chunk without an end-of-track event (its last event ends it), bytes after
/// end-of-track inside a chunk (ignored), and running status surviving meta and SysEx events.
/// </remarks>
internal sealed class StandardMidiFileParser
{
    private const int HeaderSize = 14;
    private const int MaxTimeSignatureDenominatorPower = 7; // 1/128: anything finer is not music notation

    private readonly byte[] data;
    private readonly int length;
    private readonly PieceAssembler assembler;
    private int position;
    private int track;
    private int chunkEnd;

    private StandardMidiFileParser(byte[] data, int length)
    {
        this.data = data;
        this.length = length;
        assembler = new PieceAssembler();
    }

    /// <summary>Parses the first <paramref name="length"/> bytes of <paramref name="data"/>.</summary>
    public static Piece Parse(byte[] data, int length)
    {
        var parser = new StandardMidiFileParser(data, length);
        return parser.ParseFile();
    }

    private Piece ParseFile()
    {
        int trackCount = ParseHeader();
        int tracksRead = 0;
        while (tracksRead < trackCount)
        {
            int chunkStart = position;
            if (length - chunkStart < 8)
                throw Fail(chunkStart, $"file ends at byte {length} after {tracksRead} of the {trackCount} track chunks its header declares");
            bool isTrack = ChunkTypeIs(chunkStart, "MTrk");
            if (!isTrack && !IsPrintableChunkType(chunkStart))
                throw Fail(chunkStart, $"expected a chunk type ('MTrk') at byte {chunkStart} for track {tracksRead}, found bytes {Hex(chunkStart, 4)}");
            uint declared = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(chunkStart + 4, 4));
            long end = chunkStart + 8L + declared;
            if (end > length)
            {
                string what = isTrack ? $"track {tracksRead} chunk" : $"chunk '{Encoding.ASCII.GetString(data, chunkStart, 4)}'";
                throw Fail(chunkStart + 4, $"{what} length {declared} at byte {chunkStart + 4} exceeds file size {length}");
            }
            position = chunkStart + 8;
            if (isTrack)
            {
                track = tracksRead;
                chunkEnd = (int)end;
                ParseTrack();
                tracksRead++;
            }
            position = (int)end; // unknown chunk types are skipped whole, as the standard asks
        }
        return assembler.Build();
    }

    /// <summary>Reads MThd; returns the number of track chunks it declares.</summary>
    private int ParseHeader()
    {
        if (length < 4 || !ChunkTypeIs(0, "MThd"))
            throw Fail(0, $"not a MIDI file: expected 'MThd' at byte 0, found {Hex(0, Math.Min(4, length))}");
        if (length < HeaderSize)
            throw Fail(length, $"file ends at byte {length}, inside the {HeaderSize}-byte header");
        uint headerLength = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4, 4));
        if (headerLength < 6)
            throw Fail(4, $"header chunk length {headerLength} at byte 4 is less than 6");
        if (8L + headerLength > length)
            throw Fail(4, $"header chunk length {headerLength} at byte 4 exceeds file size {length}");
        int format = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(8, 2));
        if (format > 2)
            throw Fail(8, $"MIDI file format {format} at byte 8 is unknown (0, 1 or 2 expected)");
        int trackCount = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(10, 2));
        if (format == 0 && trackCount != 1)
            throw Fail(10, $"format 0 file declares {trackCount} track chunks at byte 10; format 0 holds exactly one");
        int division = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(12, 2));
        if ((division & 0x8000) != 0)
            throw Fail(12, $"SMPTE time division 0x{division:X4} at byte 12 is not supported: only ticks-per-quarter-note files are");
        if (division == 0)
            throw Fail(12, "ticks per quarter note at byte 12 is 0; it must be positive");
        assembler.Start(format, division);
        position = 8 + (int)headerLength;
        return trackCount;
    }

    private void ParseTrack()
    {
        assembler.BeginTrack();
        long tick = 0;
        int runningStatus = 0;
        while (position < chunkEnd)
        {
            tick += ReadVariableLength("delta time");
            if (position >= chunkEnd)
                throw Fail(position, $"track {track} chunk ends at byte {chunkEnd} after a delta time, before its event");
            int statusOffset = position;
            int status = data[position];
            if (status >= 0x80) position++;
            else if (runningStatus == 0)
                throw Fail(position, $"data byte 0x{status:X2} at byte {position} in track {track} where a status byte is needed (no running status in effect)");
            else status = runningStatus;

            if (status < 0xF0)
            {
                ParseChannelMessage(status, statusOffset, tick);
                runningStatus = status; // only channel messages set running status
            }
            else if (status == 0xFF)
            {
                if (ParseMetaEvent(statusOffset, tick)) return;
            }
            else if (status is 0xF0 or 0xF7)
            {
                int lengthOffset = position;
                int dataLength = ReadVariableLength("SysEx length");
                if (dataLength > chunkEnd - position)
                    throw Fail(lengthOffset, $"SysEx length {dataLength} at byte {lengthOffset} in track {track} runs past the end of the chunk at byte {chunkEnd}");
                position += dataLength;
            }
            else
            {
                throw Fail(statusOffset, $"status byte 0x{status:X2} at byte {statusOffset} in track {track} is a live-MIDI message that a MIDI file may not hold");
            }
        }
        assembler.EndTrack(tick); // no end-of-track event: the chunk's last event ends the track
    }

    private void ParseChannelMessage(int status, int statusOffset, long tick)
    {
        int kind = status & 0xF0;
        int channel = status & 0x0F;
        int dataLength = kind is 0xC0 or 0xD0 ? 1 : 2;
        if (chunkEnd - position < dataLength)
            throw Fail(position, $"{ChannelMessageName(kind)} at byte {statusOffset} in track {track} needs {dataLength} data bytes but the chunk ends at byte {chunkEnd}");
        int first = data[position];
        int second = dataLength == 2 ? data[position + 1] : 0;
        if (first >= 0x80)
            throw Fail(position, $"data byte 0x{first:X2} at byte {position} of a {ChannelMessageName(kind)} in track {track} must be below 0x80");
        if (second >= 0x80)
            throw Fail(position + 1, $"data byte 0x{second:X2} at byte {position + 1} of a {ChannelMessageName(kind)} in track {track} must be below 0x80");
        position += dataLength;
        switch (kind)
        {
            case 0x90 when second > 0: assembler.NoteOn(tick, channel, first, second); break;
            case 0x90: assembler.NoteOff(tick, channel, first); break; // note-on with velocity 0 is a note-off
            case 0x80: assembler.NoteOff(tick, channel, first); break;
            case 0xC0: assembler.ProgramChange(channel, first); break;
        }
    }

    /// <summary>Parses one meta event; returns true at end-of-track.</summary>
    private bool ParseMetaEvent(int statusOffset, long tick)
    {
        if (position >= chunkEnd)
            throw Fail(position, $"meta event at byte {statusOffset} in track {track} has no type byte before the chunk ends at byte {chunkEnd}");
        int type = data[position++];
        int lengthOffset = position;
        int metaLength = ReadVariableLength("meta event length");
        if (metaLength > chunkEnd - position)
            throw Fail(lengthOffset, $"meta event 0x{type:X2} length {metaLength} at byte {lengthOffset} in track {track} runs past the end of the chunk at byte {chunkEnd}");
        int payloadOffset = position;
        var payload = new ReadOnlySpan<byte>(data, position, metaLength);
        position += metaLength;
        switch (type)
        {
            case 0x2F:
                if (metaLength != 0)
                    throw Fail(lengthOffset, $"end-of-track event at byte {statusOffset} in track {track} has length {metaLength}; it must be 0");
                assembler.EndTrack(tick);
                return true; // anything after end-of-track in the chunk is ignored
            case 0x51:
                RequireMetaLength("tempo", metaLength, 3, lengthOffset, statusOffset);
                int microsecondsPerQuarter = (payload[0] << 16) | (payload[1] << 8) | payload[2];
                if (microsecondsPerQuarter == 0)
                    throw Fail(payloadOffset, $"tempo at byte {payloadOffset} in track {track} is 0 microseconds per quarter note");
                assembler.Tempo(tick, microsecondsPerQuarter);
                break;
            case 0x58:
                RequireMetaLength("time signature", metaLength, 4, lengthOffset, statusOffset);
                if (payload[0] == 0)
                    throw Fail(payloadOffset, $"time signature at byte {payloadOffset} in track {track} has numerator 0");
                if (payload[1] > MaxTimeSignatureDenominatorPower)
                    throw Fail(payloadOffset + 1, $"time signature at byte {payloadOffset} in track {track} has denominator " +
                        $"2^{payload[1]}; at most 2^{MaxTimeSignatureDenominatorPower} is supported");
                assembler.TimeSignature(tick, payload[0], 1 << payload[1]);
                break;
            case 0x59:
                RequireMetaLength("key signature", metaLength, 2, lengthOffset, statusOffset);
                int sharps = (sbyte)payload[0];
                if (sharps is < -7 or > 7)
                    throw Fail(payloadOffset, $"key signature at byte {payloadOffset} in track {track} has {sharps} sharps; -7 to 7 expected");
                if (payload[1] > 1)
                    throw Fail(payloadOffset + 1, $"key signature at byte {payloadOffset} in track {track} has mode {payload[1]}; 0 (major) or 1 (minor) expected");
                assembler.KeySignature(tick, sharps, payload[1] == 1);
                break;
            case 0x01 or 0x02 or 0x03:
                assembler.Text(type, payload);
                break;
            case 0x7F:
                assembler.SequencerSpecific(payload, payloadOffset);
                break;
        }
        return false;
    }

    private void RequireMetaLength(string what, int actual, int expected, int lengthOffset, int statusOffset)
    {
        if (actual != expected)
            throw Fail(lengthOffset, $"{what} event at byte {statusOffset} in track {track} has length {actual}; it must be {expected}");
    }

    /// <summary>Reads a variable-length quantity (at most 4 bytes, as the standard allows) inside the chunk.</summary>
    private int ReadVariableLength(string what)
    {
        int start = position;
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            if (position >= chunkEnd)
                throw Fail(start, $"{what} at byte {start} in track {track} runs past the end of the chunk at byte {chunkEnd}");
            int b = data[position++];
            value = (value << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) return value;
        }
        throw Fail(start, $"{what} at byte {start} in track {track} is longer than the 4 bytes a variable-length quantity may have");
    }

    private bool ChunkTypeIs(int offset, string type) =>
        data[offset] == type[0] && data[offset + 1] == type[1] && data[offset + 2] == type[2] && data[offset + 3] == type[3];

    private bool IsPrintableChunkType(int offset)
    {
        for (int i = 0; i < 4; i++)
            if (data[offset + i] is < 0x20 or > 0x7E) return false;
        return true;
    }

    private string Hex(int offset, int count) =>
        count == 0 ? "nothing" : Convert.ToHexString(data, offset, count);

    private static string ChannelMessageName(int kind) => kind switch
    {
        0x80 => "note-off",
        0x90 => "note-on",
        0xA0 => "key pressure event",
        0xB0 => "control change",
        0xC0 => "program change",
        0xD0 => "channel pressure event",
        _ => "pitch bend",
    };

    private static MidiFormatException Fail(long offset, string problem) => new(problem, offset);
}
