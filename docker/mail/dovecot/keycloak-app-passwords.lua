-- keycloak-app-passwords.lua: a Dovecot passdb (package dovecot-auth-lua) that checks a user name and an app
-- password with an OAuth2 password grant against Keycloak's token endpoint. Dovecot 2.3.19 and 2.4.
--
-- Why not Dovecot's built-in oauth2 passdb: Dovecot 2.4's turns every refusal into a temporary failure, so
-- mail apps keep retrying a revoked or mistyped app password instead of asking for a new one. Here:
--   200 with the user-name field             -> success, signed in under the name Keycloak returns
--   400 or 401 with error "invalid_grant"    -> password mismatch ([AUTHENTICATIONFAILED], SMTP 535)
--   no answer, a timeout, 5xx, a redirect,   -> internal failure ([UNAVAILABLE], SMTP 454), logged once with
--   any other refusal or an unreadable one      the reason, never with the password
--
-- Settings: token_url, client_id, client_secret (the mail server's confidential client).
--   Dovecot 2.4: `lua_settings { }` inside `passdb lua { }` in dovecot.conf (keep that file 0640 root:dovecot).
--   Dovecot 2.3 hands Lua no settings: they are read from keycloak-app-passwords.conf.ext next to this script,
--   one `name = value` a line (0640 root:dovecot).
-- TLS: Dovecot verifies Keycloak's certificate against ssl_client_ca_file / ssl_client_ca_dir.

local USERNAME_FIELD = "app_password_username"
-- The app password's id, returned as userdb field user_app_password_id (a passdb field named userdb_* is copied
-- into the userdb reply): Dovecot 2.4 tells its anvil the session's userdb fields named user_*, so Keycloak
-- can end exactly this app password's sessions (doveadm kick -f user_app_password_id <id>). A plain passdb
-- field never reaches the anvil. Dovecot 2.3 keeps it as an unused plugin setting.
local ID_FIELD = "app_password_id"
local SESSION_ID_FIELD = "userdb_user_app_password_id"
local USER_AGENT = "keycloak-app-passwords-dovecot"

local settings
local http_client

local function read_settings_file(path)
  local file, err = io.open(path, "r")
  if file == nil then
    error("keycloak-app-passwords: cannot read " .. path .. ": " .. tostring(err))
  end
  local values, number = {}, 0
  for line in file:lines() do
    number = number + 1
    local name, value = line:match("^%s*([%w_]+)%s*=%s*(.-)%s*$")
    if name ~= nil then
      values[name] = value
    elseif not line:match("^%s*#") and not line:match("^%s*$") then
      file:close()
      -- the line itself may hold the secret: name only its number
      error("keycloak-app-passwords: " .. path .. " line " .. number .. " is not `name = value`")
    end
  end
  file:close()
  return values
end

-- Dovecot 2.4 caches a Lua passdb's answers only under the key this returns (2.3 uses %u without it). The
-- login name as Dovecot normalised it: what Keycloak's flush names (docs/LIVE-REVOCATION.md).
function auth_passdb_get_cache_key()
  return "%{user}"
end

function script_init(args)
  local values = args
  if values == nil or next(values) == nil then
    local script = debug.getinfo(1, "S").source:gsub("^@", "")
    values = read_settings_file((script:gsub("%.lua$", "") .. ".conf.ext"))
  end
  for _, name in ipairs({ "token_url", "client_id", "client_secret" }) do
    if values[name] == nil or values[name] == "" then
      error("keycloak-app-passwords: setting " .. name .. " is missing")
    end
  end
  if not values.token_url:match("^https?://") then
    error("keycloak-app-passwords: token_url must be an http(s) URL")
  end
  settings = values
  return 0
end

-- One client per auth-worker process, so its connection to Keycloak is kept alive between logins.
-- Two attempts: a kept-alive connection that Keycloak closed meanwhile must not fail a login.
-- Redirects are never followed: the password would travel on to wherever it points.
local function client()
  if http_client == nil then
    -- Dovecot 2.3 names its HTTP client settings so; 2.4 refuses these names and takes its dovecot.conf
    -- names, with string values (booleans crash 2.4.1's parser).
    local ok, made = pcall(dovecot.http.client, {
      connect_timeout_msecs = 5000, request_timeout_msecs = 10000, request_absolute_timeout_msecs = 15000,
      max_attempts = 2, max_redirects = 0, max_idle_time_msecs = 60000, user_agent = USER_AGENT,
    })
    if not ok then
      made = dovecot.http.client({
        connect_timeout = "5s", request_timeout = "10s", request_absolute_timeout = "15s",
        request_max_attempts = 2, auto_redirect = "no", auto_retry = "no", max_idle_time = "60s",
        user_agent = USER_AGENT,
      })
    end
    http_client = made
  end
  return http_client
end

local function form_encode(value)
  return (value:gsub("[^A-Za-z0-9%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

-- Only what an IP address or a service name is made of goes into a header.
local function header_value(value)
  value = tostring(value or "")
  if value:match("^[%w%.:_%-]+$") then
    return value
  end
  return nil
end

-- A strict JSON reader for the token endpoint's answer (Dovecot's Lua has no JSON library).
-- Each function returns the value and the index after it; a nil index means malformed input.
local JSON_NULL = {}
local JSON_ESCAPES = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
local JSON_LITERALS = { ["true"] = true, ["false"] = false, null = JSON_NULL }

local function skip_space(s, i)
  return s:find("[^ \t\r\n]", i) or #s + 1
end

local function json_string(s, i)
  local parts, j = {}, i + 1
  while true do
    local k = s:find('[%z\1-\31"\\]', j)
    if k == nil then
      return nil, nil
    end
    parts[#parts + 1] = s:sub(j, k - 1)
    local c = s:sub(k, k)
    if c == '"' then
      return table.concat(parts), k + 1
    elseif c ~= "\\" then
      return nil, nil
    end
    local e = s:sub(k + 1, k + 1)
    if JSON_ESCAPES[e] then
      parts[#parts + 1] = JSON_ESCAPES[e]
      j = k + 2
    elseif e == "u" then
      local code = tonumber(s:match("^%x%x%x%x", k + 2) or "", 16)
      j = k + 6
      if code ~= nil and code >= 0xD800 and code <= 0xDBFF then
        local low = tonumber(s:match("^\\u(%x%x%x%x)", j) or "", 16)
        if low == nil or low < 0xDC00 or low > 0xDFFF then
          return nil, nil
        end
        code = 0x10000 + (code - 0xD800) * 0x400 + (low - 0xDC00)
        j = j + 6
      elseif code == nil or (code >= 0xDC00 and code <= 0xDFFF) then
        return nil, nil
      end
      parts[#parts + 1] = utf8.char(code)
    else
      return nil, nil
    end
  end
end

local json_value

local function json_container(s, i, depth, close, read_item)
  local result = {}
  i = skip_space(s, i + 1)
  if s:sub(i, i) == close then
    return result, i + 1
  end
  while true do
    i = read_item(result, i, depth)
    if i == nil then
      return nil, nil
    end
    i = skip_space(s, i)
    local c = s:sub(i, i)
    if c == close then
      return result, i + 1
    elseif c ~= "," then
      return nil, nil
    end
    i = skip_space(s, i + 1)
  end
end

function json_value(s, i, depth)
  if depth > 20 then
    return nil, nil
  end
  i = skip_space(s, i)
  local c = s:sub(i, i)
  if c == "{" then
    return json_container(s, i, depth, "}", function(object, at)
      if s:sub(at, at) ~= '"' then
        return nil
      end
      local name, after = json_string(s, at)
      if after == nil then
        return nil
      end
      after = skip_space(s, after)
      if s:sub(after, after) ~= ":" then
        return nil
      end
      local value
      value, after = json_value(s, after + 1, depth + 1)
      object[name] = value
      return after
    end)
  elseif c == "[" then
    return json_container(s, i, depth, "]", function(array, at)
      local value, after = json_value(s, at, depth + 1)
      array[#array + 1] = value
      return after
    end)
  elseif c == '"' then
    return json_string(s, i)
  end
  for literal, value in pairs(JSON_LITERALS) do
    if s:sub(i, i + #literal - 1) == literal then
      return value, i + #literal
    end
  end
  local number = s:match("^-?%d+%.?%d*[eE][-+]?%d+", i) or s:match("^-?%d+%.?%d*", i)
  if number ~= nil then
    return tonumber(number), i + #number
  end
  return nil, nil
end

local function json_object(s)
  local value, after = json_value(s, 1, 0)
  if after == nil or skip_space(s, after) <= #s or type(value) ~= "table" then
    return nil
  end
  return value
end

-- Dovecot logs the second value of an internal failure as an error ("passdb-lua: ..."), once.
local function internal_failure(reason)
  return dovecot.auth.PASSDB_RESULT_INTERNAL_FAILURE, "keycloak-app-passwords: " .. reason
end

function auth_password_verify(req, password)
  local request = client():request({ url = settings.token_url, method = "POST" })
  request:add_header("Content-Type", "application/x-www-form-urlencoded")
  request:add_header("Accept", "application/json")
  -- Keycloak's app-password step honours these only from the confidential clients it trusts for them.
  local remote = header_value(req.remote_ip)
  if remote ~= nil then
    request:add_header("X-Dovecot-Auth-Remote", remote)
  end
  -- imap, pop3, submission, smtp (Postfix SASL), sieve; 2.4 calls it the protocol
  local service = header_value(req.protocol or req.service)
  if service ~= nil then
    request:add_header("X-Dovecot-Auth-Service", service)
  end
  request:set_payload(table.concat({
    "grant_type=password",
    "client_id=" .. form_encode(settings.client_id),
    "client_secret=" .. form_encode(settings.client_secret),
    "username=" .. form_encode(req.user),
    "password=" .. form_encode(password),
  }, "&"))
  local response = request:submit()
  local status = response:status()

  if status >= 9000 then
    -- Dovecot's own error: connection refused, timeout, TLS certificate, redirect refused, ...
    return internal_failure("Keycloak not reachable: " .. response:reason())
  end
  local answer = json_object(response:payload())
  if status == 200 then
    local name = answer ~= nil and answer[USERNAME_FIELD]
    if type(name) ~= "string" or name == "" or name:find("[%z\1-\31\127]") then
      return internal_failure("Keycloak's answer has no " .. USERNAME_FIELD
        .. " (the client needs the User Session Note mapper)")
    end
    local fields = { user = name }
    local id = answer[ID_FIELD]
    if type(id) == "string" and id:match("^[%w-]+$") then
      fields[SESSION_ID_FIELD] = id
    end
    return dovecot.auth.PASSDB_RESULT_OK, fields
  end
  if (status == 400 or status == 401) and answer ~= nil and answer.error == "invalid_grant" then
    return dovecot.auth.PASSDB_RESULT_PASSWORD_MISMATCH, ""
  end
  local error_code = answer ~= nil and header_value(answer.error)
  return internal_failure("Keycloak answered HTTP " .. status
    .. (error_code and (" " .. error_code) or " without an OAuth2 error")
    .. (error_code == "invalid_client" and " (check client_id and client_secret)" or ""))
end
