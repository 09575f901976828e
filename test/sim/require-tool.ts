/** The casting library's tool check, shared so every missing tool is reported the same way. */
export { requireTool, findExecutable, missingToolMessage, TOOLS, type ToolName } from '@torrent-live/casting/testing';
