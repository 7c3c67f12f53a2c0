<#ftl output_format="plainText">
${msg("appPasswordEmailIntro")}

${msg("appPasswordName")}: ${appPasswordName}
${msg("appPasswordEmailTime")}: ${appPasswordCreatedAt}
${msg("appPasswordEmailIp")}: ${appPasswordIp}
${msg("appPasswordEmailClient")}: ${appPasswordClient}

${msg("appPasswordEmailIfNotYou")}
